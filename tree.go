package tousu

// TreeOrder orders the nodes of a tree (units, categories) depth-first, parents before
// children, keeping the given order among siblings. A node whose parent is missing counts
// as a root; nodes caught in a cycle come last, in the given order, so that nothing stored
// is ever hidden. Both stores list their trees in this order.
func TreeOrder[T any](nodes []T, key func(T) (code, parent string)) []T {
	known := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		c, _ := key(n)
		known[c] = true
	}
	children := make(map[string][]int, len(nodes))
	var roots []int
	for i, n := range nodes {
		c, p := key(n)
		if p == "" || p == c || !known[p] {
			roots = append(roots, i)
			continue
		}
		children[p] = append(children[p], i)
	}
	out := make([]T, 0, len(nodes))
	done := make([]bool, len(nodes))
	var walk func(i int)
	walk = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		out = append(out, nodes[i])
		c, _ := key(nodes[i])
		for _, j := range children[c] {
			walk(j)
		}
	}
	for _, i := range roots {
		walk(i)
	}
	for i := range nodes {
		if !done[i] {
			walk(i)
		}
	}
	return out
}

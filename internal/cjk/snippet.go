package cjk

import "strings"

// Segment is a piece of a snippet; Hit marks a piece that matched a search term.
type Segment struct {
	Text string
	Hit  bool
}

// Snippet is at most width characters of text around the first place a phrase of q
// occurs (its text as typed, letters compared lowercased), with every occurrence in
// that window marked; the start of text, unmarked, when none occurs. An ellipsis marks
// a cut. Callers escape the segments (html/template does): nothing here is markup.
func Snippet(text string, q Query, width int) []Segment {
	rs := []rune(text)
	folded := make([]rune, len(rs))
	for i, r := range rs {
		folded[i] = fold(r)
	}
	var needles [][]rune
	for _, p := range q.Phrases {
		var n []rune
		for _, r := range p.Text {
			n = append(n, fold(r))
		}
		if len(n) > 0 {
			needles = append(needles, n)
		}
	}
	// hits[i] is the length of a match starting at i (0: none).
	hits := make([]int, len(rs))
	first := -1
	for i := range folded {
		for _, n := range needles {
			if i+len(n) <= len(folded) && equal(folded[i:i+len(n)], n) && len(n) > hits[i] {
				hits[i] = len(n)
				if first < 0 {
					first = i
				}
			}
		}
	}
	start := 0
	if first > width/4 {
		start = first - width/4
	}
	end := min(len(rs), start+width)
	if end-start < width {
		start = max(0, end-width)
	}
	var out []Segment
	var plain strings.Builder
	if start > 0 {
		plain.WriteString("…")
	}
	for i := start; i < end; {
		if n := hits[i]; n > 0 {
			if plain.Len() > 0 {
				out = append(out, Segment{Text: plain.String()})
				plain.Reset()
			}
			out = append(out, Segment{Text: string(rs[i:min(i+n, len(rs))]), Hit: true})
			i += n
			continue
		}
		plain.WriteRune(rs[i])
		i++
	}
	if end < len(rs) {
		plain.WriteString("…")
	}
	if plain.Len() > 0 {
		out = append(out, Segment{Text: plain.String()})
	}
	return out
}

func equal(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Similarity is the Jaccard similarity of two texts' bigram sets (0 to 1): how much of
// their wording they share, whatever its order.
func Similarity(a, b string) float64 { return Jaccard(Bigrams(a), Bigrams(b)) }

// Jaccard is the similarity of two sets of Bigrams: what they share of what either has.
func Jaccard(sa, sb map[string]bool) float64 {
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	both := 0
	for t := range sa {
		if sb[t] {
			both++
		}
	}
	return float64(both) / float64(len(sa)+len(sb)-both)
}

// Bigrams is the set of a text's tokens of two characters or more (Han bigrams, words,
// numbers), the vocabulary Similarity compares.
func Bigrams(text string) map[string]bool {
	set := map[string]bool{}
	for _, t := range Tokens(text) {
		if len([]rune(t)) > 1 {
			set[t] = true
		}
	}
	return set
}

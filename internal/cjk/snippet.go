package cjk

import (
	"slices"
	"strings"
)

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

// Shingles is Bigrams as a sorted set of numbers (a Han bigram its two characters, a word
// or number its FNV-1a hash), for comparing one text with many (SortedJaccard) without
// building a map of strings for each: the look-up of repeats at every registration.
func Shingles(text string) []uint64 {
	const (
		pair     = 1 << 63
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	out := make([]uint64, 0, len(text)/3+1)
	var (
		cur  class
		prev rune
		n    int    // characters in the current word or number
		h    uint64 // its hash so far
	)
	end := func() {
		if cur != han && cur != other && n > 1 {
			out = append(out, h&^pair)
		}
	}
	for _, r := range text {
		c := han
		if r < 0x4E00 || r > 0x9FFF { // the common ideographs need neither folding nor the tables
			r = fold(r)
			c = classOf(r)
		}
		if c != cur {
			end()
			cur, n, h = c, 0, offset64
		}
		switch c {
		case han:
			if n > 0 {
				out = append(out, pair|uint64(prev)<<21|uint64(r))
			}
			prev = r
			n++
		case letter, digit:
			if n < MaxWord {
				h = (h ^ uint64(r)) * prime64
				n++
			}
		}
	}
	end()
	slices.Sort(out)
	return slices.Compact(out)
}

// SortedJaccard is Jaccard of two sets of Shingles.
func SortedJaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	both := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			both++
			i++
			j++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
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

// Package cjk turns Chinese text into the tokens that tousu's full-text index holds, and
// a search box's query into the index's query language, the same for SQLite (FTS5) and
// PostgreSQL (tsvector): one tokenizer feeds both stores, so both find the same hits.
//
// A run of Han characters is indexed as its overlapping bigrams (服务态度 → 服务 务态 态度)
// followed by its last character alone (度): a search term of two or more characters is
// the phrase of its bigrams, and a single character is found as the first character of a
// bigram or as the last of a run, that is, everywhere it occurs, by a prefix search.
// Other letters form words and digits form numbers, each one token, lowercased; everything
// else separates tokens. A complaint number TS20261127-0042 is the tokens ts 20261127 0042,
// so the number and its tail 0042 both find it.
package cjk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep both engines' indexes alike: PostgreSQL keeps at most 16,383
// positions in a tsvector and lexemes shorter than 2 KB, so a document's tokens stop at
// MaxTokens and a word at MaxWord characters, on both engines.
const (
	MaxTokens = 16000
	MaxWord   = 64
)

// class is what kind of run a character belongs to.
type class int

const (
	other class = iota
	han
	letter
	digit
)

// fold is r as indexed: full-width ASCII as ASCII (Ｆ１ → f1), lowercased.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	return unicode.ToLower(r)
}

func classOf(r rune) class {
	switch {
	case unicode.Is(unicode.Han, r):
		return han
	case r >= '0' && r <= '9':
		return digit
	case unicode.IsLetter(r):
		return letter
	}
	return other
}

// run is a maximal sequence of characters of one class.
type run struct {
	class class
	text  []rune
}

// runs splits text into its runs of Han characters, letters and digits, folded.
func runs(text string) []run {
	var out []run
	for _, r := range text {
		r = fold(r)
		c := classOf(r)
		if c == other {
			if n := len(out); n > 0 && out[n-1].class != other {
				out = append(out, run{class: other})
			}
			continue
		}
		if n := len(out); n > 0 && out[n-1].class == c {
			out[n-1].text = append(out[n-1].text, r)
			continue
		}
		out = append(out, run{class: c, text: []rune{r}})
	}
	// The separators only marked the ends of runs of one class.
	kept := out[:0]
	for _, r := range out {
		if r.class != other {
			kept = append(kept, r)
		}
	}
	return kept
}

// tokens appends the tokens of one run: a Han run's bigrams and its last character, or
// the word or number (at most MaxWord characters).
func (r run) tokens(out []string, last bool) []string {
	if r.class != han {
		return append(out, string(r.text[:min(len(r.text), MaxWord)]))
	}
	for i := 0; i+1 < len(r.text); i++ {
		out = append(out, string(r.text[i:i+2]))
	}
	if !last || len(r.text) == 1 {
		out = append(out, string(r.text[len(r.text)-1]))
	}
	return out
}

// Tokens are the index tokens of text, in order.
func Tokens(text string) []string {
	var out []string
	for _, r := range runs(text) {
		out = r.tokens(out, false)
		if len(out) >= MaxTokens {
			return out[:MaxTokens]
		}
	}
	return out
}

// Doc is what the index holds of a complaint: the tokens of the text every reader of
// the case may search (Body) and those of the internal records (Internal: investigation
// notes, the handling unit's report, the decision), which only some roles may search.
type Doc struct {
	Body, Internal []string
}

// NewDoc tokenizes a complaint's public and internal texts, each field on its own (no
// bigram joins the end of one field to the start of the next), within MaxTokens in all.
func NewDoc(body, internal []string) Doc {
	var d Doc
	n := 0
	add := func(fields []string) []string {
		var out []string
		for _, f := range fields {
			for _, t := range Tokens(f) {
				if n >= MaxTokens {
					return out
				}
				out = append(out, t)
				n++
			}
		}
		return out
	}
	d.Body = add(body)
	d.Internal = add(internal)
	return d
}

// FTS5Text is a token list as FTS5's unicode61 tokenizer reads it back token by token:
// the tokens separated by spaces (they hold only letters and digits).
func FTS5Text(tokens []string) string { return strings.Join(tokens, " ") }

// TSVector is d as a PostgreSQL tsvector literal: body tokens at positions 1…n with
// weight A, internal tokens after a gap with weight B, so that a phrase never spans the
// two and a search that may not read internal text asks for weight A only. Written as
// a literal (cast with ::tsvector) rather than through to_tsvector, whose parser would
// split the tokens its own way (and, under the C locale, not see Han characters as
// letters at all).
func (d Doc) TSVector() string {
	type pos struct {
		at     int
		weight byte
	}
	at := map[string][]pos{}
	var order []string
	put := func(tokens []string, start int, w byte) {
		for i, t := range tokens {
			if _, ok := at[t]; !ok {
				order = append(order, t)
			}
			at[t] = append(at[t], pos{start + i, w})
		}
	}
	put(d.Body, 1, 'A')
	put(d.Internal, len(d.Body)+2, 'B')
	var b strings.Builder
	for i, t := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(t))
		b.WriteByte(':')
		for j, p := range at[t] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(itoa(min(p.at, 16383)))
			b.WriteByte(p.weight)
		}
	}
	return b.String()
}

// quoteLexeme quotes a token for tsvector and tsquery input.
func quoteLexeme(t string) string {
	return "'" + strings.NewReplacer(`'`, `''`, `\`, `\\`).Replace(t) + "'"
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}

// Valid reports whether s is text the tokenizer reads as it is: valid UTF-8.
func Valid(s string) bool { return utf8.ValidString(s) }

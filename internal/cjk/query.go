package cjk

import (
	"strings"
	"unicode"
)

// The query language of the search box:
//
//	态度 推诿        two terms: both must occur (AND)
//	"服务 态度"      a quoted phrase (also “…” and 「…」): its words in this order
//	包               one character: wherever it occurs
//	TS20261127-0042  a complaint number; 0042 finds it by its tail
//
// Each term is searched as the phrase of its tokens, so 态度差 finds 态度差 and not 态度
// in one place and 差 in another.

// Limits on a query, so that its cost is bounded whatever is typed.
const (
	MaxTerms      = 8
	MaxTermTokens = 32
)

// Phrase is one term of a query: its tokens in order; Prefix when the last token is a
// single Han character, which then matches any token it begins (its bigrams and itself).
type Phrase struct {
	Text   string // the term as typed, for highlighting
	Tokens []string
	Prefix bool
}

// Query is a parsed search: every phrase must match.
type Query struct {
	Phrases []Phrase
}

// Empty reports whether the query holds nothing searchable (no letter, digit or Han
// character): it matches nothing.
func (q Query) Empty() bool { return len(q.Phrases) == 0 }

// quotes are the opening quotation marks and their closing ones.
var quotes = map[rune]rune{'"': '"', '“': '”', '「': '」', '『': '』'}

// Parse reads a search box's text.
func Parse(text string) Query {
	var q Query
	var cur strings.Builder
	var closing rune // inside a quoted phrase: its closing mark
	flush := func() {
		term := cur.String()
		cur.Reset()
		if p, ok := phrase(term); ok && len(q.Phrases) < MaxTerms {
			q.Phrases = append(q.Phrases, p)
		}
	}
	for _, r := range text {
		switch {
		case closing != 0 && r == closing:
			flush()
			closing = 0
		case closing != 0:
			cur.WriteRune(r)
		case quotes[r] != 0:
			flush()
			closing = quotes[r]
		case unicode.IsSpace(r):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return q
}

// phrase is a term's phrase: the tokens the index holds for the term wherever it occurs
// in a text. The last Han run of the term may continue in the text, so its last
// character is not a token of its own; a single Han character at the end is a prefix.
func phrase(term string) (Phrase, bool) {
	rs := runs(term)
	p := Phrase{Text: strings.TrimSpace(term)}
	for i, r := range rs {
		last := i == len(rs)-1
		p.Tokens = r.tokens(p.Tokens, last)
		if last && r.class == han && len(r.text) == 1 {
			p.Prefix = true
		}
	}
	if len(p.Tokens) > MaxTermTokens {
		p.Tokens, p.Prefix = p.Tokens[:MaxTermTokens], false
	}
	return p, len(p.Tokens) > 0
}

// FTS5 is the query as an FTS5 MATCH expression over the columns body and internal;
// without internal, over body alone.
func (q Query) FTS5(internal bool) string {
	parts := make([]string, len(q.Phrases))
	for i, p := range q.Phrases {
		s := `"` + strings.Join(p.Tokens, " ") + `"`
		if p.Prefix {
			s += " *"
		}
		if !internal {
			s = "body : " + s
		}
		parts[i] = s
	}
	return strings.Join(parts, " AND ")
}

// TSQuery is the query as a PostgreSQL tsquery literal (cast with ::tsquery) over a
// TSVector; without internal, over weight A (the body) alone.
func (q Query) TSQuery(internal bool) string {
	weight := ""
	if !internal {
		weight = "A"
	}
	parts := make([]string, len(q.Phrases))
	for i, p := range q.Phrases {
		lex := make([]string, len(p.Tokens))
		for j, t := range p.Tokens {
			lex[j] = quoteLexeme(t)
			switch {
			case p.Prefix && j == len(p.Tokens)-1:
				lex[j] += ":*" + weight
			case weight != "":
				lex[j] += ":" + weight
			}
		}
		parts[i] = "(" + strings.Join(lex, " <-> ") + ")"
	}
	return strings.Join(parts, " & ")
}

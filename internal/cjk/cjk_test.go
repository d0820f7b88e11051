package cjk

import (
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"包", []string{"包"}},
		{"离岗", []string{"离岗", "岗"}},
		{"服务态度差", []string{"服务", "务态", "态度", "度差", "差"}},
		{"窗口工作人员，态度恶劣！", []string{"窗口", "口工", "工作", "作人", "人员", "员", "态度", "度恶", "恶劣", "劣"}},
		{"3号窗口", []string{"3", "号窗", "窗口", "口"}},
		{"TS20261127-0042", []string{"ts", "20261127", "0042"}},
		{"WiFi密码 ＡＢＣ１２３", []string{"wifi", "密码", "码", "abc", "123"}},
		{"100% 不满意", []string{"100", "不满", "满意", "意"}},
		{"  ！？…  ", nil},
	}
	for _, tt := range tests {
		if got := Tokens(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		query    string
		fts5     string
		internal string // FTS5 with internal text
		tsquery  string
	}{
		{"态度", `body : "态度"`, `"态度"`, `('态度':A)`},
		{"态度 推诿", `body : "态度" AND body : "推诿"`, `"态度" AND "推诿"`, `('态度':A) & ('推诿':A)`},
		{"服务态度差", `body : "服务 务态 态度 度差"`, `"服务 务态 态度 度差"`, `('服务':A <-> '务态':A <-> '态度':A <-> '度差':A)`},
		{`"窗口 离岗"`, `body : "窗口 口 离岗"`, `"窗口 口 离岗"`, `('窗口':A <-> '口':A <-> '离岗':A)`},
		{"“窗口离岗”", `body : "窗口 口离 离岗"`, `"窗口 口离 离岗"`, `('窗口':A <-> '口离':A <-> '离岗':A)`},
		{"包", `body : "包" *`, `"包" *`, `('包':*A)`},
		{"3号", `body : "3 号" *`, `"3 号" *`, `('3':A <-> '号':*A)`},
		{"TS20261127-0042", `body : "ts 20261127 0042"`, `"ts 20261127 0042"`, `('ts':A <-> '20261127':A <-> '0042':A)`},
		{"0042", `body : "0042"`, `"0042"`, `('0042':A)`},
		{"WiFi", `body : "wifi"`, `"wifi"`, `('wifi':A)`},
		{"！？", ``, ``, ``},
		{"\"unclosed 态度", `body : "unclosed 态度"`, `"unclosed 态度"`, `('unclosed':A <-> '态度':A)`},
		{"o'brien", `body : "o brien"`, `"o brien"`, `('o':A <-> 'brien':A)`},
	}
	for _, tt := range tests {
		q := Parse(tt.query)
		if got := q.FTS5(false); got != tt.fts5 {
			t.Errorf("Parse(%q).FTS5(false) = %s, want %s", tt.query, got, tt.fts5)
		}
		if got := q.FTS5(true); got != tt.internal {
			t.Errorf("Parse(%q).FTS5(true) = %s, want %s", tt.query, got, tt.internal)
		}
		if got := q.TSQuery(false); got != tt.tsquery {
			t.Errorf("Parse(%q).TSQuery(false) = %s, want %s", tt.query, got, tt.tsquery)
		}
		if q.Empty() != (tt.fts5 == "") {
			t.Errorf("Parse(%q).Empty() = %t", tt.query, q.Empty())
		}
	}
}

// TestPhraseFindsSubstring: for every substring of a text that holds a letter, digit
// or Han character, the term's tokens occur in the text's tokens as a phrase (or a prefix
// phrase): a search finds what a substring search would.
func TestPhraseFindsSubstring(t *testing.T) {
	text := "3号窗口工作人员态度差，收费100元WiFi也没有"
	doc := Tokens(text)
	rs := []rune(text)
	for i := range rs {
		for j := i + 1; j <= len(rs); j++ {
			sub := string(rs[i:j])
			// A substring that cuts a word or number in two is not a term the index
			// can find (words are whole tokens).
			if cutsWord(rs, i, j) {
				continue
			}
			p, ok := phrase(sub)
			if !ok {
				continue
			}
			if !matches(doc, p) {
				t.Errorf("term %q: tokens %q (prefix %t) not found in %q", sub, p.Tokens, p.Prefix, doc)
			}
		}
	}
}

func cutsWord(rs []rune, i, j int) bool {
	word := func(k int) bool { return k >= 0 && k < len(rs) && classOf(fold(rs[k])) >= letter }
	return word(i) && word(i-1) && classOf(fold(rs[i])) == classOf(fold(rs[i-1])) ||
		word(j-1) && word(j) && classOf(fold(rs[j])) == classOf(fold(rs[j-1]))
}

func matches(doc []string, p Phrase) bool {
	for s := 0; s+len(p.Tokens) <= len(doc); s++ {
		ok := true
		for k, tok := range p.Tokens {
			if p.Prefix && k == len(p.Tokens)-1 {
				ok = ok && strings.HasPrefix(doc[s+k], tok)
			} else {
				ok = ok && doc[s+k] == tok
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestTSVector(t *testing.T) {
	d := NewDoc([]string{"态度差", "0042"}, []string{"态度"})
	want := `'态度':1A,6B '度差':2A '差':3A '0042':4A '度':7B`
	if got := d.TSVector(); got != want {
		t.Errorf("TSVector = %s, want %s", got, want)
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct {
		text, query string
		width       int
		want        string
	}{
		{"窗口工作人员态度恶劣，态度问题", "态度", 40, "窗口工作人员[态度]恶劣，[态度]问题"},
		{"一二三四五六七八九十态度", "态度", 6, "…七八九十[态度]"},
		{"没有命中", "态度", 10, "没有命中"},
		{"<b>WiFi</b>", "wifi", 20, "<b>[WiFi]</b>"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, s := range Snippet(tt.text, Parse(tt.query), tt.width) {
			if s.Hit {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if got := b.String(); got != tt.want {
			t.Errorf("Snippet(%q, %q) = %q, want %q", tt.text, tt.query, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	a := "窗口工作人员态度恶劣，推诿不办"
	if s := Similarity(a, a); s != 1 {
		t.Errorf("Similarity(a, a) = %v, want 1", s)
	}
	if s := Similarity(a, "窗口工作人员态度很差"); s < 0.3 {
		t.Errorf("Similarity of close texts = %v, want ≥ 0.3", s)
	}
	if s := Similarity(a, "停车场收费过高"); s != 0 {
		t.Errorf("Similarity of unrelated texts = %v, want 0", s)
	}
}

// TestShingles: the sorted shingles give the similarity that the bigram sets give, so
// the look-up of repeats judges texts as before, only cheaper.
func TestShingles(t *testing.T) {
	texts := []string{
		"窗口工作人员态度生硬，材料不全也未一次性告知，让我跑了三趟。",
		"窗口工作人员态度很差",
		"1月29日在社保1号窗口办理参保登记，工作人员态度生硬，材料不全未一次性告知，跑了三趟。",
		"停车场收费过高",
		"ＡＢＣ abc 12345 TS20261127-0042 a 1 服",
		"",
	}
	for _, a := range texts {
		for _, b := range texts {
			if got, want := SortedJaccard(Shingles(a), Shingles(b)), Similarity(a, b); got != want {
				t.Errorf("SortedJaccard(Shingles(%q), Shingles(%q)) = %v, want %v (Similarity)", a, b, got, want)
			}
		}
	}
}

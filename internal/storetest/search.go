package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tousu"
)

// searchFixture is one complaint of the search tests, named by a letter; they are
// received a day apart in this order, so that newest first is the reverse.
type searchFixture struct {
	name, matter, request, describe, staff string
	note, reply                            string // an investigation note (internal), a reply
}

var searchFixtures = []searchFixture{
	{name: "A", matter: "窗口工作人员态度恶劣，推诿扯皮", staff: "S1"},
	{name: "B", matter: "收费标准不透明，多收费用", request: "退还多收的100元"},
	{name: "C", matter: "服务态度很好，但办理效率低", request: "WiFi密码无法使用"},
	{name: "D", matter: "包庇违规办理", describe: "3号窗口"},
	{name: "E", matter: "医保报销推诿", note: "调查发现工作人员态度问题属实"},
	{name: "F", matter: "态度问题", staff: "S9"},
	{name: "G", matter: "停车难", reply: "已协调停车位"},
}

// createSearchFixtures registers searchFixtures (notes and replies as later changes)
// and returns the complaints by name.
func createSearchFixtures(t *testing.T, s tousu.Store) map[string]*tousu.Complaint {
	t.Helper()
	out := map[string]*tousu.Complaint{}
	for i, f := range searchFixtures {
		c := newComplaint(t)
		c.Matter, c.Request = f.matter, f.request
		c.Target = tousu.Target{Unit: "win-1", Staff: f.staff, Description: f.describe}
		c.ReceivedAt, c.CreatedAt, c.UpdatedAt = day(i), day(i), day(i)
		create(t, s, c)
		if f.note != "" {
			addNote(t, s, c, f.note)
		}
		if f.reply != "" {
			c.Reply = &tousu.Reply{Process: f.reply, Result: "已处理", Channel: tousu.ChannelPhone}
			update(t, s, c, "reply", tousu.StatusReplied, day(i).Add(time.Hour))
		}
		out[f.name] = c
	}
	return out
}

// addNote records an investigation note (调查记录) on c.
func addNote(t *testing.T, s tousu.Store, c *tousu.Complaint, content string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]string{"method": "records", "content": content})
	ev := &tousu.Event{Type: "note", Actor: "h1", ActorName: "承办人", At: c.UpdatedAt.Add(time.Minute),
		From: c.Status, To: c.Status, Payload: payload}
	if err := s.UpdateComplaint(t.Context(), &tousu.Change{Complaint: c, Event: ev}); err != nil {
		t.Fatalf("note on %s: %v", c.Number, err)
	}
}

// testSearch: the full-text search finds, on both engines, the same hits in the same
// order for each kind of query, honours who may search internal text and recusal, pages
// with the list cursor, and follows the text through updates.
func testSearch(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	cs := createSearchFixtures(t, s)
	name := map[string]string{}
	for n, c := range cs {
		name[c.ID] = n
	}
	names := func(got []*tousu.Complaint) string {
		var b strings.Builder
		for _, c := range got {
			b.WriteString(name[c.ID])
		}
		return b.String()
	}
	number := cs["D"].Number
	tests := []struct {
		name     string
		query    string
		internal bool // the searcher may read internal text
		recusal  bool // the searcher is S9, about whom F is
		want     string
	}{
		{"common term", "态度", true, true, "ECA"},
		{"common term, no internal text", "态度", false, true, "CA"},
		{"two terms", "态度 推诿", true, true, "EA"},
		{"two terms, no internal text", "态度 推诿", false, true, "A"},
		{"two terms in either order", "恶劣 态度", true, true, "A"},
		{"phrase", `"推诿扯皮"`, true, true, "A"},
		{"phrase in the wrong order", `"恶劣态度"`, true, true, ""},
		{"phrase in Chinese quotes", "“服务态度”", true, true, "C"},
		{"three characters", "态度很", true, true, "C"},
		{"one character, start of a word", "包", true, true, "D"},
		{"one character, inside", "费", true, true, "B"},
		{"one character, end of the text", "难", true, true, "G"},
		{"number", number, true, true, "D"},
		{"number's tail", number[len(number)-4:], true, true, "D"},
		{"number lowercased", strings.ToLower(number), true, true, "D"},
		{"Latin word", "wifi", true, true, "C"},
		{"Latin word in capitals", "WIFI", true, true, "C"},
		{"digits", "100", true, true, "B"},
		{"digits and Han", "3号窗口", true, true, "D"},
		{"the reply", "停车位", true, true, "G"},
		{"zero hits", "不存在的词", true, true, ""},
		{"zero hits, one character", "鑫", true, true, ""},
		{"internal text only", "属实", true, true, "E"},
		{"internal text, not for this searcher", "属实", false, true, ""},
		{"recusal hides F", "态度问题", true, true, "E"},
		{"without recusal", "态度问题", true, false, "FE"},
		{"punctuation only", "，。！", true, true, ""},
	}
	for _, tt := range tests {
		f := tousu.ComplaintFilter{Query: tt.query, SearchInternal: tt.internal}
		if tt.recusal {
			f.ExcludeTargetStaff = "S9"
		}
		got, err := s.ListComplaints(ctx, f)
		if err != nil {
			t.Errorf("%s: ListComplaints(%q) = %v", tt.name, tt.query, err)
			continue
		}
		if g := names(got); g != tt.want {
			t.Errorf("%s: ListComplaints(%q) = %q, want %q", tt.name, tt.query, g, tt.want)
		}
		if n, err := s.CountComplaints(ctx, f); err != nil || n != len(tt.want) {
			t.Errorf("%s: CountComplaints(%q) = %d, %v, want %d", tt.name, tt.query, n, err, len(tt.want))
		}
	}

	// Pages of one hit, with the lists' cursor.
	var pages string
	f := tousu.ComplaintFilter{Query: "态度", SearchInternal: true, ExcludeTargetStaff: "S9", Limit: 1}
	for range 5 {
		got, err := s.ListComplaints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		pages += names(got) + "|"
		last := got[len(got)-1]
		f.After = &tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
	}
	if pages != "E|C|A|" {
		t.Errorf("pages of 态度 = %q, want E|C|A|", pages)
	}

	// Combined with a filter: only A is about S1.
	if got, err := s.ListComplaints(ctx, tousu.ComplaintFilter{Query: "态度", SearchInternal: true, TargetStaff: "S1"}); err != nil || names(got) != "A" {
		t.Errorf("态度 about S1 = %q, %v, want A", names(got), err)
	}
	// Due order with a search.
	if got, err := s.ListComplaints(ctx, tousu.ComplaintFilter{Query: "态度", SearchInternal: true, ExcludeTargetStaff: "S9",
		Order: tousu.OrderDue}); err != nil || names(got) != "ACE" {
		t.Errorf("态度 by due date = %q, %v, want ACE", names(got), err)
	}

	// The index follows the text: a new note, an amended matter.
	b := cs["B"]
	addNote(t, s, b, "经查收费员违规")
	g := cs["G"]
	g.Matter = "停车场拥挤"
	update(t, s, g, "amend", g.Status, g.UpdatedAt.Add(time.Hour))
	for _, tt := range []struct{ query, want string }{
		{"违规", "DB"}, {"停车难", ""}, {"拥挤", "G"}, {"停车位", "G"}, {"收费", "B"},
	} {
		got, err := s.ListComplaints(ctx, tousu.ComplaintFilter{Query: tt.query, SearchInternal: true})
		if err != nil || names(got) != tt.want {
			t.Errorf("after the updates: ListComplaints(%q) = %q, %v, want %q", tt.query, names(got), err, tt.want)
		}
	}
}

// testSearchBulk: complaints loaded in bulk are searchable like registered ones: their
// text, their number and the notes among their history.
func testSearchBulk(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	c.Matter = "批量导入的历史投诉：窗口推诿"
	c.Status = tousu.StatusInProgress
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	cs := []tousu.BulkComplaint{{Complaint: c, NumberPrefix: prefix,
		Events: []tousu.Event{
			{Type: tousu.EventRegister, Actor: "clerk1", At: at(0), To: tousu.StatusRegistered, Payload: json.RawMessage(`{"channel":"visit"}`)},
			{Type: "note", Actor: "h1", At: at(5), From: tousu.StatusInProgress, To: tousu.StatusInProgress,
				Payload: json.RawMessage(`{"method":"records","content":"调取监控核实属实"}`)},
		},
		Audit: []tousu.AuditRecord{{At: at(0), Actor: "clerk1", Action: "register"}},
	}}
	if err := s.BulkRegister(ctx, tousu.SourceGenerated, cs); err != nil {
		t.Fatalf("BulkRegister = %v", err)
	}
	for _, q := range []string{"推诿", "监控", c.Number, c.Number[len(c.Number)-4:]} {
		got, err := s.ListComplaints(ctx, tousu.ComplaintFilter{Query: q, SearchInternal: true})
		if err != nil || len(got) != 1 || got[0].ID != c.ID {
			t.Errorf("search %q after a bulk load = %d hits, %v, want the loaded complaint", q, len(got), err)
		}
	}
}

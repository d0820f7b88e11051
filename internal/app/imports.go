package app

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
	"tousu/internal/workday"
)

// Import of past complaints (docs/import.md): finished cases from an older system or a
// spreadsheet, of any age, with their outcome, so that figures and the staff record
// include history. An import bypasses registration's rule that a complaint be received
// within the last five years explicitly — it never calls Register — and writes through
// the store's bulk path (Store.BulkRegister), which writes what a registration writes and
// marks every event and audit record "import".

// ImportColumn is one column an import file may have, named in its header row by its
// key or any of its Chinese names.
type ImportColumn struct {
	Key      string   // English name, e.g. "received_at"
	Label    string   // Chinese name, e.g. "收到时间"
	Aliases  []string // further Chinese names accepted
	Required bool
	Help     string
}

// ImportColumns is the import template, in its order.
var ImportColumns = []ImportColumn{
	{Key: "source_key", Label: "来源编号", Aliases: []string{"原编号", "原受理编号", "外部编号"}, Required: true,
		Help: "原系统或台账中的编号，每行唯一；再次导入同一编号的行会被跳过"},
	{Key: "received_at", Label: "收到时间", Aliases: []string{"投诉时间", "登记时间"}, Required: true, Help: "日期或日期时间"},
	{Key: "accepted_at", Label: "受理时间", Help: "不填则视为收到当日受理"},
	{Key: "replied_at", Label: "答复时间"},
	{Key: "closed_at", Label: "办结时间", Aliases: []string{"结案时间"}, Required: true},
	{Key: "status", Label: "状态", Help: "已办结（默认）、已归档、不予受理、已撤回"},
	{Key: "kind", Label: "类型", Help: "投诉（默认）、举报、意见建议"},
	{Key: "channel", Label: "渠道", Aliases: []string{"来源渠道", "投诉渠道"}, Required: true, Help: "来访、电话、热线、网站、信函……"},
	{Key: "unit", Label: "被投诉单位", Aliases: []string{"被投诉部门"}, Required: true, Help: "单位代码或名称"},
	{Key: "staff", Label: "被投诉人工号", Aliases: []string{"工号"}, Help: "工作人员的工号，须已在系统中"},
	{Key: "handling_unit", Label: "承办单位", Help: "单位代码或名称；不填则为被投诉单位"},
	{Key: "categories", Label: "投诉类别", Aliases: []string{"类别"}, Help: "类别代码或名称，多个用、或;分隔"},
	{Key: "classification", Label: "分类", Help: "现场协调类、立案处理类（默认）、意见反映类"},
	{Key: "matter", Label: "投诉事项", Aliases: []string{"投诉内容", "事项"}, Required: true},
	{Key: "request", Label: "投诉请求", Aliases: []string{"诉求"}},
	{Key: "name", Label: "投诉人姓名", Aliases: []string{"投诉人"}},
	{Key: "phone", Label: "联系电话", Aliases: []string{"电话"}},
	{Key: "id_number", Label: "身份证号", Aliases: []string{"身份证号码"}},
	{Key: "anonymous", Label: "匿名", Help: "是/否"},
	{Key: "finding", Label: "调查结论", Aliases: []string{"核查结论"}, Help: "属实、部分属实、不属实、无法核实、不适用"},
	{Key: "measures", Label: "处理措施", Help: "责令改正、批评教育、调整岗位、处分移送纪检、答复合理诉求、采纳建议；多个用、分隔"},
	{Key: "process", Label: "处理经过"},
	{Key: "reply", Label: "答复内容", Aliases: []string{"处理结果", "答复意见"}},
	{Key: "improvement", Label: "整改措施", Aliases: []string{"改进措施"}},
	{Key: "reply_channel", Label: "答复方式", Help: "渠道名称，如电话、信函；不填则同投诉渠道"},
	{Key: "satisfaction", Label: "满意度", Aliases: []string{"评价"}, Help: "1–5，或非常满意、满意、基本满意、不满意、非常不满意"},
}

// ImportProblem is why a row (or the file) is refused: the row number (1 is the header
// row; 0 for the file), the column and the reason, in Chinese.
type ImportProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// MaxImportProblems is how many problems a report lists; the counts cover every row.
const MaxImportProblems = 1000

// ImportReport is what an import did, or in a dry run would do.
type ImportReport struct {
	DryRun   bool            `json:"dry_run"`
	Rows     int             `json:"rows"`     // data rows read (the header not counted)
	Imported int             `json:"imported"` // stored, or in a dry run storable
	Skipped  int             `json:"skipped"`  // already imported before (source key known)
	Refused  int             `json:"refused"`  // rows with at least one problem
	Problems []ImportProblem `json:"problems"`
	// Truncated says problems beyond MaxImportProblems were not listed.
	Truncated bool `json:"truncated,omitempty"`
	// Earliest and Latest are the received instants of the rows imported.
	Earliest *time.Time `json:"earliest,omitempty"`
	Latest   *time.Time `json:"latest,omitempty"`
}

func (r *ImportReport) problem(row int, column, msg string) {
	if len(r.Problems) >= MaxImportProblems {
		r.Truncated = true
		return
	}
	r.Problems = append(r.Problems, ImportProblem{Row: row, Column: column, Message: msg})
}

// Summary is the report's last line: "imported N, refused M" (or "would import N, …").
func (r *ImportReport) Summary() string {
	s := fmt.Sprintf("imported %d, refused %d", r.Imported, r.Refused)
	if r.DryRun {
		s = fmt.Sprintf("would import %d, refused %d", r.Imported, r.Refused)
	}
	if r.Skipped > 0 {
		s += fmt.Sprintf(" (skipped %d already imported)", r.Skipped)
	}
	return s
}

// RowSource gives the rows of an import file, the header row first (internal/sheet).
type RowSource interface {
	Next() ([]string, error) // io.EOF after the last row
	Line() int               // the row number of the row Next last gave, from 1
}

// ImportOptions tune an import.
type ImportOptions struct {
	DryRun bool
	// Batch is how many complaints one transaction stores; 0: 2000.
	Batch int
	// Progress, when set, is told how many data rows are read so far, after each batch.
	Progress func(rows int)
}

// ImportActor is the actor named on the events of imported complaints: the older
// system, not the account that ran the import (which the audit records name).
var ImportActor = tousu.Actor{Login: "import", Name: "历史数据导入"}

// Import reads past complaints from src and stores those whose rows are valid, in
// batches, or in a dry run only reports what it would store (admin; audited). A row
// whose source key was imported before is skipped; a row with any problem is refused and
// reported with its row number, column and reason, and the other rows still go in. A
// problem with the file itself (no header, an unknown or missing column, unreadable
// content) is an error and nothing is stored.
func (a *App) Import(ctx context.Context, actor tousu.Actor, src RowSource, opts ImportOptions) (*ImportReport, error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if opts.Batch <= 0 {
		opts.Batch = 2000
	}
	header, err := src.Next()
	if err == io.EOF {
		return nil, importFileError("文件是空的，第1行应为表头")
	}
	if err != nil {
		return nil, importFileError(err.Error())
	}
	cols, err := importHeader(header)
	if err != nil {
		return nil, err
	}
	staff, err := a.store.ListStaff(ctx, "")
	if err != nil {
		return nil, err
	}
	im := &importer{a: a, ref: ref, actor: actor, cols: cols, rep: &ImportReport{DryRun: opts.DryRun, Problems: []ImportProblem{}},
		now: a.now().UTC().Truncate(time.Millisecond), seen: &keySet{recent: map[uint64]int{}}, seed: maphash.MakeSeed(), units: unitIndex(ref), staff: map[string]bool{}}
	for _, st := range staff {
		im.staff[st.Badge] = true
	}
	var batch []pending
	flush := func() error {
		if err := im.store(ctx, batch, opts.DryRun); err != nil {
			return err
		}
		im.seen.compact()
		batch = batch[:0]
		if opts.Progress != nil {
			opts.Progress(im.rep.Rows)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cells, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, importFileError(err.Error())
		}
		if blank(cells) {
			continue
		}
		im.rep.Rows++
		if p, ok := im.row(src.Line(), cells); ok {
			batch = append(batch, p)
		}
		if len(batch) >= opts.Batch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if !opts.DryRun {
		if err := a.audit(ctx, actor, "import.file", "", im.rep.Summary()); err != nil {
			return nil, err
		}
	}
	return im.rep, nil
}

func importFileError(msg string) error {
	return &tousu.Error{Kind: tousu.KindInvalid, Message: "导入文件无法读取：" + msg, Fields: map[string]string{"file": msg}}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// normHeader is a header cell as compared: no spaces, marks of required columns or
// case.
func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.NewReplacer(" ", "", "\u3000", "", "*", "", "（必填）", "", "(必填)", "").Replace(s)
	return strings.ToLower(s)
}

// importHeader maps each column of the header row to its key ("" for an empty one).
func importHeader(header []string) ([]string, error) {
	names := map[string]string{}
	for _, c := range ImportColumns {
		names[normHeader(c.Key)] = c.Key
		names[normHeader(c.Label)] = c.Key
		for _, al := range c.Aliases {
			names[normHeader(al)] = c.Key
		}
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var bad []string
	for i, h := range header {
		n := normHeader(h)
		if n == "" {
			continue
		}
		k, ok := names[n]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("第%d列“%s”不是可导入的列", i+1, h))
		case seen[k]:
			bad = append(bad, fmt.Sprintf("第%d列“%s”与前面的列重复", i+1, h))
		}
		seen[k] = true
		cols[i] = k
	}
	for _, c := range ImportColumns {
		if c.Required && !seen[c.Key] {
			bad = append(bad, "缺少必填列“"+c.Label+"”（"+c.Key+"）")
		}
	}
	if len(bad) > 0 {
		return nil, importFileError("表头有误：" + strings.Join(bad, "；"))
	}
	return cols, nil
}

// importer carries one import's state: the reference data, the report, and the source
// keys seen so far in the file (see keySet).
type importer struct {
	a     *App
	ref   *reference
	actor tousu.Actor
	cols  []string
	rep   *ImportReport
	now   time.Time
	seen  *keySet
	seed  maphash.Seed
	units map[string]string // unit code or unique name → code
	staff map[string]bool   // the badges on file
}

// pending is a valid row waiting for its batch.
type pending struct {
	line int
	key  string
	b    tousu.BulkComplaint
}

// unitIndex finds units by code or by a name no other unit has.
func unitIndex(ref *reference) map[string]string {
	idx := map[string]string{}
	count := map[string]int{}
	for _, u := range ref.units {
		count[u.Name]++
	}
	for _, u := range ref.units {
		if count[u.Name] == 1 {
			idx[u.Name] = u.Code
		}
	}
	for _, u := range ref.units {
		idx[u.Code] = u.Code
	}
	return idx
}

// rowValues reads a row's cells by column key.
type rowValues struct {
	cols  []string
	cells []string
}

func (v rowValues) get(key string) string {
	for i, k := range v.cols {
		if k == key && i < len(v.cells) {
			return v.cells[i]
		}
	}
	return ""
}

// label is a column's Chinese name, for problems.
func label(key string) string {
	for _, c := range ImportColumns {
		if c.Key == key {
			return c.Label
		}
	}
	return key
}

// row checks one data row and builds its complaint; every problem is reported.
func (im *importer) row(line int, cells []string) (pending, bool) {
	v := rowValues{cols: im.cols, cells: cells}
	pr := map[string]string{}
	var order []string
	bad := func(key, msg string) {
		if _, ok := pr[key]; !ok {
			pr[key] = msg
			order = append(order, key)
		}
	}
	ref, loc := im.ref, im.a.loc

	key := v.get("source_key")
	switch {
	case key == "":
		bad("source_key", "请填写来源编号")
	case !utf8.ValidString(key) || utf8.RuneCountInString(key) > 64 || strings.ContainsAny(key, "\x00\r\n\t"):
		bad("source_key", "来源编号应为不超过64字的一行文字")
	default:
		h := maphash.String(im.seed, key)
		if first, dup := im.seen.find(h); dup {
			bad("source_key", fmt.Sprintf("来源编号与第%d行重复", first))
		} else {
			im.seen.add(h, line)
		}
	}
	dateOnly := map[string]bool{}
	when := func(k string, required bool) time.Time {
		s := v.get(k)
		if s == "" {
			if required {
				bad(k, "请填写"+label(k))
			}
			return time.Time{}
		}
		t, day, ok := parseWhen(s, loc)
		dateOnly[k] = day
		if !ok {
			bad(k, "无法识别的日期“"+clipText(s, 20)+"”，应如 2019-03-05 或 2019-03-05 14:30")
			return time.Time{}
		}
		if t.Year() < 1949 || t.After(im.now) {
			bad(k, label(k)+"应在1949年至今之间")
			return time.Time{}
		}
		return t
	}
	received, accepted, replied, closed := when("received_at", true), when("accepted_at", false), when("replied_at", false), when("closed_at", true)
	// A later step given as a date only, on the day of an earlier one given with its
	// time, happened that day after it: it is taken as the earlier instant.
	after := func(k string, t *time.Time, earlier time.Time, what string) {
		if t.IsZero() || earlier.IsZero() || !t.Before(earlier) {
			return
		}
		if dateOnly[k] && tousu.DateOf(t.In(loc)) == tousu.DateOf(earlier.In(loc)) {
			*t = earlier
			return
		}
		bad(k, label(k)+"早于"+what)
	}
	after("accepted_at", &accepted, received, "收到时间")
	after("replied_at", &replied, received, "收到时间")
	after("replied_at", &replied, accepted, "受理时间")
	after("closed_at", &closed, received, "收到时间")
	after("closed_at", &closed, accepted, "受理时间")
	after("closed_at", &closed, replied, "答复时间")

	status := tousu.StatusClosed
	switch s := v.get("status"); s {
	case "", "已办结", "办结", "closed":
	case "已归档", "归档", "archived":
		status = tousu.StatusArchived
	case "不予受理", "not_accepted":
		status = tousu.StatusNotAccepted
	case "已撤回", "撤回", "withdrawn":
		status = tousu.StatusWithdrawn
	default:
		bad("status", "状态应为已办结、已归档、不予受理或已撤回（未办结的投诉请在系统中登记）")
	}
	kind := tousu.KindComplaint
	if s := v.get("kind"); s != "" {
		if k, ok := vocab(tousu.Kinds, s); ok {
			kind = k
		} else {
			bad("kind", "类型应为投诉、举报或意见建议")
		}
	}
	channel, ok := vocab(tousu.Channels, v.get("channel"))
	if !ok {
		bad("channel", "渠道应为"+labels(tousu.Channels)+"之一")
	}
	unit := im.units[v.get("unit")]
	if unit == "" {
		bad("unit", "未找到被投诉单位“"+clipText(v.get("unit"), 30)+"”（填单位代码，或系统中唯一的单位名称）")
	}
	handling := unit
	if s := v.get("handling_unit"); s != "" {
		if handling = im.units[s]; handling == "" {
			bad("handling_unit", "未找到承办单位“"+clipText(s, 30)+"”")
		}
	}
	staff := v.get("staff")
	if staff != "" && !im.staff[staff] {
		bad("staff", "未找到工号为“"+clipText(staff, 30)+"”的工作人员（请先在系统中录入）")
	}
	var cats []string
	for _, s := range splitList(v.get("categories")) {
		code := ""
		for _, c := range ref.categories {
			if c.Code == s || c.Name == s {
				code = c.Code
				break
			}
		}
		switch {
		case code == "":
			bad("categories", "未找到投诉类别“"+clipText(s, 30)+"”")
		case !slices.Contains(cats, code):
			cats = append(cats, code)
		}
	}
	if cats == nil {
		cats = []string{}
	}
	class := tousu.ClassCase
	if s := v.get("classification"); s != "" {
		if class, ok = vocab(tousu.Classifications, s); !ok {
			bad("classification", "分类应为现场协调类、立案处理类或意见反映类")
		}
	}
	text := func(k string, max int, required bool) string {
		s := v.get(k)
		if s == "" && required {
			bad(k, "请填写"+label(k))
		}
		p := tousu.Problems{}
		tousu.CheckText(p, k, s, max)
		if m, ok := p[k]; ok {
			bad(k, m)
		}
		return s
	}
	matter, request := text("matter", tousu.MaxMatter, true), text("request", tousu.MaxText, false)
	process, reply, improvement := text("process", tousu.MaxText, false), text("reply", tousu.MaxText, false), text("improvement", tousu.MaxText, false)
	who := tousu.Complainant{Name: text("name", 50, false)}
	if s := v.get("phone"); s != "" {
		if p, ok := tousu.NormalizePhone(s); ok {
			who.Phone = p
		} else {
			bad("phone", tousu.PhoneProblem)
		}
	}
	if s := strings.ToUpper(v.get("id_number")); s != "" {
		if tousu.ValidIDNumber(s) {
			who.IDNumber = s
		} else {
			bad("id_number", "身份证号码格式不正确")
		}
	}
	switch s := v.get("anonymous"); s {
	case "", "否", "no", "false", "0":
	case "是", "yes", "true", "1":
		who.Anonymous = true
	default:
		bad("anonymous", "匿名应填“是”或“否”")
	}
	if who.Anonymous && (who.Name != "" || who.Phone != "" || who.IDNumber != "") {
		bad("anonymous", "匿名投诉不应有投诉人姓名、电话或身份证号")
	}
	var finding tousu.Finding
	if s := v.get("finding"); s != "" {
		if finding, ok = vocab(tousu.Findings, s); !ok {
			bad("finding", "调查结论应为属实、部分属实、不属实、无法核实或不适用")
		}
	}
	measures := []tousu.Measure{}
	for _, s := range splitList(v.get("measures")) {
		m, ok := vocab(tousu.Measures, s)
		if !ok {
			bad("measures", "未知的处理措施“"+clipText(s, 20)+"”")
			continue
		}
		measures = append(measures, m)
	}
	if len(measures) > 0 && finding == "" {
		bad("finding", "填写了处理措施，请同时填写调查结论")
	}
	replyChannel := channel
	if s := v.get("reply_channel"); s != "" {
		if replyChannel, ok = vocab(tousu.Channels, s); !ok {
			bad("reply_channel", "答复方式应为"+labels(tousu.Channels)+"之一")
		}
	}
	satisfaction := 0
	if s := v.get("satisfaction"); s != "" {
		satisfaction = satisfactionOf(s)
		if satisfaction == 0 {
			bad("satisfaction", "满意度应为1至5，或非常满意、满意、基本满意、不满意、非常不满意")
		}
	}
	if len(pr) > 0 {
		im.rep.Refused++
		for _, k := range order {
			im.rep.problem(line, label(k), pr[k])
		}
		return pending{}, false
	}

	id, err := im.a.randomHex(16)
	if err != nil {
		im.rep.Refused++
		im.rep.problem(line, "", "系统无法生成编号："+err.Error())
		return pending{}, false
	}
	c := &tousu.Complaint{ID: id, Kind: kind, Channel: channel, Status: status, Categories: cats,
		Identity: im.a.keys.SealIdentity(id, who), Target: tousu.Target{Unit: unit, Staff: staff},
		Matter: matter, Request: request, FirstReceiver: ImportActor.Login, OwnerUnit: ref.centreOf(unit),
		ReceivedAt: received, CreatedAt: received, UpdatedAt: closed, ExternalRef: key, Satisfaction: satisfaction,
		Intake: tousu.Intake{Unit: ref.centreOf(unit)}}
	if c.OwnerUnit == "" {
		c.OwnerUnit = RootUnitCode
	}
	pol := workday.PickPolicyFor(ref.policies, ref.subject(c, class))
	c.Deadline = tousu.Deadline{Days: pol.Days, Unit: pol.Unit, Start: tousu.DateOf(received.In(loc))}
	c.Deadline.Due = workday.Due(ref.cal, c.Deadline)
	closedAt := closed
	c.ClosedAt = &closedAt
	// The moments the statistics count, as the lifecycle would have kept them (stats.go).
	day := func(t time.Time) tousu.Date { return tousu.DateOf(t.In(loc)) }
	marks := &c.Handling.Stats
	marks.ReceivedOn = day(received)

	ev := func(typ tousu.EventType, at time.Time, from, to tousu.Status, payload map[string]any) tousu.Event {
		var p json.RawMessage
		if payload != nil {
			p, _ = json.Marshal(payload)
		}
		return tousu.Event{Type: typ, Actor: ImportActor.Login, ActorName: ImportActor.Name, At: at, From: from, To: to, Payload: p}
	}
	events := []tousu.Event{ev(tousu.EventRegister, received, "", tousu.StatusRegistered,
		map[string]any{"channel": channel, "kind": kind, "due_date": c.Deadline.Due, "policy": pol.Name, "source_key": key})}
	switch status {
	case tousu.StatusNotAccepted:
		marks.Refused = true
		events = append(events, ev("reject", closed, tousu.StatusRegistered, status, map[string]any{"explanation": reply}))
	case tousu.StatusWithdrawn:
		marks.Withdrawn = true
		events = append(events, ev("withdraw", closed, tousu.StatusRegistered, status, nil))
	default:
		if accepted.IsZero() {
			accepted = received
		}
		c.Classification = class
		c.AssignedUnit, c.Mode = handling, tousu.ModeTransfer
		events = append(events, ev("accept", accepted, tousu.StatusRegistered, tousu.StatusAccepted,
			map[string]any{"classification": class, "categories": cats}))
		from := tousu.StatusAccepted
		if finding != "" {
			c.Decision = &tousu.Decision{Finding: finding, Measures: measures, Staff: []string{}, Improvement: improvement}
			if staff != "" && (finding == tousu.FindingFounded || finding == tousu.FindingPartly) {
				c.Decision.Staff = []string{staff}
			}
			at := replied
			if at.IsZero() {
				at = closed
			}
			marks.DecidedOn = day(at)
			events = append(events, ev("decide", at, from, tousu.StatusDecided,
				map[string]any{"finding": finding, "measures": measures, "staff": c.Decision.Staff, "improvement": improvement}))
			from = tousu.StatusDecided
		}
		if reply != "" || process != "" || !replied.IsZero() {
			at := replied
			if at.IsZero() {
				at = closed
			}
			c.Reply = &tousu.Reply{Process: process, Result: reply, Improvement: improvement, Channel: replyChannel}
			c.Handling.RepliedOn = day(at)
			marks.FirstReplyOn, marks.FirstReplyDue = day(at), c.Deadline.Due
			marks.FirstReplyWorkdays = max(0, ref.cal.WorkdaysBetween(marks.ReceivedOn, marks.FirstReplyOn))
			events = append(events, ev("reply", at, from, tousu.StatusReplied,
				map[string]any{"process": process, "result": reply, "improvement": improvement, "channel": replyChannel}))
			from = tousu.StatusReplied
		}
		if satisfaction > 0 {
			marks.RatedOn = day(closed)
			events = append(events, ev("feedback", closed, from, from, map[string]any{"level": satisfaction}))
		}
		events = append(events, ev("close", closed, from, tousu.StatusClosed, nil))
		if status == tousu.StatusArchived {
			events = append(events, ev("archive", closed, tousu.StatusClosed, tousu.StatusArchived, nil))
		}
	}
	audit := []tousu.AuditRecord{{At: im.now, Actor: im.actor.Login, Action: "import", Detail: "source_key=" + key}}
	prefix := NumberPrefix + tousu.DateOf(received.In(loc)).Midnight(time.UTC).Format("20060102")
	return pending{line: line, key: key, b: tousu.BulkComplaint{Complaint: c, NumberPrefix: prefix, Events: events, Audit: audit}}, true
}

// store skips the batch's rows imported before and stores the others (unless dry).
func (im *importer) store(ctx context.Context, batch []pending, dry bool) error {
	if len(batch) == 0 {
		return nil
	}
	keys := make([]string, len(batch))
	for i, p := range batch {
		keys[i] = p.key
	}
	known, err := im.a.store.ExternalRefNumbers(ctx, keys)
	if err != nil {
		return err
	}
	var todo []tousu.BulkComplaint
	for _, p := range batch {
		if n, ok := known[p.key]; ok {
			im.rep.Skipped++
			im.rep.problem(p.line, label("source_key"), "已导入过（受理编号 "+n+"），跳过")
			continue
		}
		todo = append(todo, p.b)
		r := p.b.Complaint.ReceivedAt
		if im.rep.Earliest == nil || r.Before(*im.rep.Earliest) {
			im.rep.Earliest = new(r.In(im.a.loc))
		}
		if im.rep.Latest == nil || r.After(*im.rep.Latest) {
			im.rep.Latest = new(r.In(im.a.loc))
		}
	}
	if !dry && len(todo) > 0 {
		if err := im.a.store.BulkRegister(ctx, tousu.SourceImport, todo); err != nil {
			return err
		}
	}
	im.rep.Imported += len(todo)
	return nil
}

// vocab finds a value of voc by its code or its Chinese label.
func vocab[T ~string](voc tousu.Vocabulary[T], s string) (T, bool) {
	for _, o := range voc {
		short, _, _ := strings.Cut(o.Label, "（") // 不适用（意见建议） is written 不适用
		if string(o.Value) == s || o.Label == s || short == s || strings.ToLower(s) == string(o.Value) {
			return o.Value, true
		}
	}
	var zero T
	return zero, false
}

func labels[T ~string](voc tousu.Vocabulary[T]) string {
	out := make([]string, len(voc))
	for i, o := range voc {
		out[i] = o.Label
	}
	return strings.Join(out, "、")
}

// splitList splits a cell listing several values.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;；/|", r) || r == ' ' || r == '\n' })
}

func satisfactionOf(s string) int {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 5 {
		return n
	}
	for n, l := range tousu.SatisfactionLabels {
		if l == s {
			return n
		}
	}
	return 0
}

// whenLayouts are the ways a date or time is written in the files offices keep.
var whenLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02",
	"2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2", "2006.1.2", "2006年1月2日 15:04", "2006年1月2日", "20060102"}

// parseWhen reads a date or date-time in loc, or an Excel serial date (days since
// 1899-12-30, the fraction the time of day); day says it gave no time of day.
func parseWhen(s string, loc *time.Location) (t time.Time, day, ok bool) {
	for _, l := range whenLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC().Truncate(time.Millisecond), !strings.Contains(l, "15"), true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 && !math.IsNaN(f) && len(s) != 8 {
		days := math.Floor(f)
		secs := math.Round((f - days) * 86400)
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
		return t.UTC().Truncate(time.Millisecond), secs == 0, true
	}
	return time.Time{}, false, false
}

// keySet is the source keys seen so far in a file, as 64-bit hashes with the row of each:
// a sorted array (12 bytes a row, no map overhead, nothing for the garbage collector to
// scan) and a small map of the batch being read, merged into the array after each batch.
// It is all of an import's memory that grows with the file.
type keySet struct {
	hashes []uint64
	rows   []uint32
	recent map[uint64]int
}

func (k *keySet) find(h uint64) (int, bool) {
	if r, ok := k.recent[h]; ok {
		return r, true
	}
	i, ok := slices.BinarySearch(k.hashes, h)
	if !ok {
		return 0, false
	}
	return int(k.rows[i]), true
}

func (k *keySet) add(h uint64, row int) { k.recent[h] = row }

// compact merges the batch's keys into the sorted array, in place from the end, so the
// array grows as a slice grows rather than being copied for every batch.
func (k *keySet) compact() {
	if len(k.recent) == 0 {
		return
	}
	add := make([]uint64, 0, len(k.recent))
	for h := range k.recent {
		add = append(add, h)
	}
	slices.Sort(add)
	n, m := len(k.hashes), len(add)
	k.hashes = slices.Grow(k.hashes, m)[:n+m]
	k.rows = slices.Grow(k.rows, m)[:n+m]
	i, j := n-1, m-1
	for w := n + m - 1; j >= 0; w-- {
		if i >= 0 && k.hashes[i] > add[j] {
			k.hashes[w], k.rows[w] = k.hashes[i], k.rows[i]
			i--
		} else {
			k.hashes[w], k.rows[w] = add[j], uint32(k.recent[add[j]])
			j--
		}
	}
	clear(k.recent)
}

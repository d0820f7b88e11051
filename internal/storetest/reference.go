package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"tousu"
)

// checkTreeOrder fails the test unless every node comes after its parent (when the parent
// is listed) and the codes are exactly want, in any order that respects the tree.
func checkTreeOrder(t *testing.T, what string, codes, parents []string, want []string) {
	t.Helper()
	seen := make(map[string]bool)
	for i, c := range codes {
		if p := parents[i]; p != "" && slices.Contains(codes, p) && !seen[p] {
			t.Errorf("%s: %s listed before its parent %s (order %v)", what, c, p, codes)
		}
		seen[c] = true
	}
	got := slices.Sorted(slices.Values(codes))
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("%s = %v, want the codes %v", what, codes, want)
	}
}

func testUnits(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	// Children are put before their parents: the order of ListUnits is the tree's, not
	// the order of insertion.
	units := []tousu.Unit{
		{Code: "win-1", Name: "1号窗口", Parent: "dept-social", Kind: tousu.UnitWindow, Sort: 1},
		{Code: "win-2", Name: "2号窗口", Parent: "dept-social", Kind: tousu.UnitWindow, Sort: 2},
		{Code: "dept-social", Name: "人社局", Parent: "centre", Kind: tousu.UnitDepartment, Sort: 1},
		{Code: "dept-tax", Name: "税务局", Parent: "centre", Kind: tousu.UnitDepartment, Sort: 0},
		{Code: "office", Name: "投诉督查处", Parent: "centre", Kind: tousu.UnitOffice, Sort: 9},
		{Code: "centre", Name: "政务服务中心", Parent: "region", Kind: tousu.UnitCentre,
			Services: "一窗受理，限时办结", Hours: "周一至周五 9:00-17:00", Phone: "0571-12345", Address: "人民路1号"},
		{Code: "region", Name: "某某区", Kind: tousu.UnitRegion},
	}
	for _, u := range units {
		if err := s.PutUnit(ctx, u); err != nil {
			t.Fatalf("PutUnit(%s) = %v", u.Code, err)
		}
	}
	// Putting again updates.
	units[0].Name, units[0].Sort = "1号综合窗口", 5
	if err := s.PutUnit(ctx, units[0]); err != nil {
		t.Fatalf("PutUnit(%s) again = %v", units[0].Code, err)
	}
	got, err := s.ListUnits(ctx)
	if err != nil {
		t.Fatalf("ListUnits = %v", err)
	}
	var codes, parents, want []string
	byCode := make(map[string]tousu.Unit)
	for _, u := range got {
		codes, parents = append(codes, u.Code), append(parents, u.Parent)
		byCode[u.Code] = u
	}
	for _, u := range units {
		want = append(want, u.Code)
		if !reflect.DeepEqual(byCode[u.Code], u) {
			t.Errorf("ListUnits: %s = %+v, want %+v", u.Code, byCode[u.Code], u)
		}
	}
	checkTreeOrder(t, "ListUnits", codes, parents, want)
	if codes[0] != "region" {
		t.Errorf("ListUnits starts with %s, want the root region", codes[0])
	}
}

func testStaff(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	staff := []tousu.Staff{
		{Badge: "B002", Name: "李四", Unit: "win-1", Title: "窗口负责人", Active: true},
		{Badge: "A001", Name: "张三", Unit: "win-1", Active: true},
		{Badge: "C003", Name: "王五", Unit: "win-2", Active: false},
	}
	for _, st := range staff {
		if err := s.PutStaff(ctx, st); err != nil {
			t.Fatalf("PutStaff(%s) = %v", st.Badge, err)
		}
	}
	staff[1].Unit, staff[1].Active, staff[1].Title = "win-2", false, "调岗"
	if err := s.PutStaff(ctx, staff[1]); err != nil {
		t.Fatalf("PutStaff(%s) again = %v", staff[1].Badge, err)
	}
	got, err := s.FindStaff(ctx, "A001")
	if err != nil || !reflect.DeepEqual(*got, staff[1]) {
		t.Errorf("FindStaff(A001) = %+v, %v, want %+v", got, err, staff[1])
	}
	tests := []struct {
		unit string
		want []string
	}{
		{"", []string{"A001", "B002", "C003"}},
		{"win-1", []string{"B002"}},
		{"win-2", []string{"A001", "C003"}},
		{"nowhere", nil},
	}
	for _, tt := range tests {
		list, err := s.ListStaff(ctx, tt.unit)
		if err != nil {
			t.Errorf("ListStaff(%q) = %v", tt.unit, err)
			continue
		}
		var badges []string
		for _, st := range list {
			badges = append(badges, st.Badge)
		}
		if !slices.Equal(badges, tt.want) {
			t.Errorf("ListStaff(%q) = %v, want %v", tt.unit, badges, tt.want)
		}
	}
}

func testCategories(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	cats := []tousu.Category{
		{Code: "queue-jumping", Name: "插队", Parent: "process", Sort: 2, Active: true},
		{Code: "process", Name: "办事流程", Description: "流程不清、多次跑", Sort: 5, Active: true},
		{Code: "attitude", Name: "服务态度", Sort: 1, Active: true},
		{Code: "rude", Name: "态度生硬", Parent: "attitude", Sort: 1, Active: false},
	}
	for _, c := range cats {
		if err := s.PutCategory(ctx, c); err != nil {
			t.Fatalf("PutCategory(%s) = %v", c.Code, err)
		}
	}
	cats[1].Name, cats[1].Active = "办事流程与程序", false
	if err := s.PutCategory(ctx, cats[1]); err != nil {
		t.Fatalf("PutCategory(%s) again = %v", cats[1].Code, err)
	}
	got, err := s.ListCategories(ctx)
	if err != nil {
		t.Fatalf("ListCategories = %v", err)
	}
	var codes, parents, want []string
	byCode := make(map[string]tousu.Category)
	for _, c := range got {
		codes, parents = append(codes, c.Code), append(parents, c.Parent)
		byCode[c.Code] = c
	}
	for _, c := range cats {
		want = append(want, c.Code)
		if !reflect.DeepEqual(byCode[c.Code], c) {
			t.Errorf("ListCategories: %s = %+v, want %+v", c.Code, byCode[c.Code], c)
		}
	}
	checkTreeOrder(t, "ListCategories", codes, parents, want)
}

func testUsers(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	u := &tousu.User{
		Login: "sup1", Name: "督查员乙", Roles: []tousu.Role{tousu.RoleSupervisor, tousu.RoleClerk},
		Unit: "office", Staff: "A001", PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA",
		CreatedAt: base.Add(5 * time.Millisecond),
	}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser = %v", err)
	}
	admin := &tousu.User{Login: "admin", Name: "管理员", Roles: []tousu.Role{tousu.RoleAdmin}, CreatedAt: base,
		FailedLogins: 3, LockedUntil: base.Add(15*time.Minute + time.Millisecond)}
	if err := s.CreateUser(ctx, admin); err != nil {
		t.Fatalf("CreateUser(admin) = %v", err)
	}
	wantKind(t, "CreateUser with a taken login", s.CreateUser(ctx, &tousu.User{Login: "sup1", Name: "另一人", CreatedAt: base}), tousu.KindConflict)

	checkUser := func(what string, want *tousu.User) {
		t.Helper()
		got, err := s.FindUser(ctx, want.Login)
		if err != nil {
			t.Fatalf("%s: FindUser(%s) = %v", what, want.Login, err)
		}
		if got.Login != want.Login || got.Name != want.Name || !slices.Equal(got.Roles, want.Roles) || got.Unit != want.Unit ||
			got.Staff != want.Staff || got.PasswordHash != want.PasswordHash || got.Disabled != want.Disabled ||
			!got.CreatedAt.Equal(want.CreatedAt) || got.FailedLogins != want.FailedLogins ||
			!got.LockedUntil.Equal(want.LockedUntil) || got.LockedUntil.IsZero() != want.LockedUntil.IsZero() {
			t.Errorf("%s: FindUser(%s) = %+v, want %+v", what, want.Login, *got, *want)
		}
	}
	checkUser("after CreateUser", u)
	checkUser("after CreateUser with a lockout", admin)

	changed := *u
	changed.Name, changed.Roles, changed.Unit, changed.Staff = "督查员丙", []tousu.Role{tousu.RoleInspector}, "centre", ""
	changed.PasswordHash, changed.Disabled = "new-hash", true
	if err := s.UpdateUser(ctx, &changed); err != nil {
		t.Fatalf("UpdateUser = %v", err)
	}
	checkUser("after UpdateUser", &changed)

	// Wrong passwords lock the account; a good one (or the lock's end) unlocks it.
	changed.FailedLogins, changed.LockedUntil = 5, base.Add(30*time.Minute+7*time.Millisecond)
	if err := s.UpdateUser(ctx, &changed); err != nil {
		t.Fatalf("UpdateUser(lock) = %v", err)
	}
	checkUser("after locking", &changed)
	changed.FailedLogins, changed.LockedUntil = 0, time.Time{}
	if err := s.UpdateUser(ctx, &changed); err != nil {
		t.Fatalf("UpdateUser(unlock) = %v", err)
	}
	checkUser("after unlocking", &changed)

	// The staff history keeps every badge ever linked, whatever Staff says now, so that
	// recusal follows the person; the epoch is stored as written.
	relinked := changed
	relinked.Staff, relinked.Epoch = "B002", 3
	if err := s.UpdateUser(ctx, &relinked); err != nil {
		t.Fatalf("UpdateUser(relink) = %v", err)
	}
	relinked.Staff = ""
	if err := s.UpdateUser(ctx, &relinked); err != nil {
		t.Fatalf("UpdateUser(unlink) = %v", err)
	}
	got, err := s.FindUser(ctx, "sup1")
	if err != nil {
		t.Fatalf("FindUser = %v", err)
	}
	if hist := slices.Sorted(slices.Values(got.StaffHistory)); !slices.Equal(hist, []string{"A001", "B002"}) || got.Epoch != 3 || got.Staff != "" {
		t.Errorf("after relinking: staff %q, history %v, epoch %d; want \"\", [A001 B002], 3", got.Staff, got.StaffHistory, got.Epoch)
	}

	list, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers = %v", err)
	}
	var logins []string
	for _, x := range list {
		logins = append(logins, x.Login)
	}
	if want := []string{"admin", "sup1"}; !slices.Equal(logins, want) {
		t.Errorf("ListUsers = %v, want %v", logins, want)
	}
	if len(list) == 2 && !slices.Equal(list[0].Roles, []tousu.Role{tousu.RoleAdmin}) {
		t.Errorf("ListUsers[0].Roles = %v, want [admin]", list[0].Roles)
	}
	if len(list) == 2 && (len(list[0].StaffHistory) != 0 || len(list[1].StaffHistory) != 2) {
		t.Errorf("ListUsers staff histories = %v, %v; want none and two", list[0].StaffHistory, list[1].StaffHistory)
	}
}

func testTokens(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	if err := s.CreateUser(ctx, &tousu.User{Login: "api", Name: "接口账号", Roles: []tousu.Role{tousu.RoleClerk}, CreatedAt: base}); err != nil {
		t.Fatalf("CreateUser = %v", err)
	}
	want := tousu.Token{Hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Login: "api", CreatedAt: base.Add(time.Millisecond)}
	if err := s.CreateToken(ctx, want); err != nil {
		t.Fatalf("CreateToken = %v", err)
	}
	got, err := s.FindToken(ctx, want.Hash)
	if err != nil {
		t.Fatalf("FindToken = %v", err)
	}
	if got.Hash != want.Hash || got.Login != want.Login || !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.IsZero() {
		t.Errorf("FindToken = %+v, want %+v", *got, want)
	}

	// A second token with an expiry; both are listed, newest first, and revoked one by one.
	second := tousu.Token{Hash: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", Login: "api",
		CreatedAt: base.Add(time.Hour), ExpiresAt: base.Add(48*time.Hour + 3*time.Millisecond)}
	if err := s.CreateToken(ctx, second); err != nil {
		t.Fatalf("CreateToken(second) = %v", err)
	}
	for _, login := range []string{"api", ""} {
		list, err := s.ListTokens(ctx, login)
		if err != nil || len(list) != 2 || list[0].Hash != second.Hash || !list[0].ExpiresAt.Equal(second.ExpiresAt) ||
			list[1].Hash != want.Hash || !list[1].ExpiresAt.IsZero() || list[0].Login != "api" {
			t.Errorf("ListTokens(%q) = %+v, %v; want the second, then the first", login, list, err)
		}
	}
	if list, err := s.ListTokens(ctx, "nobody"); err != nil || len(list) != 0 {
		t.Errorf("ListTokens(nobody) = %+v, %v; want none", list, err)
	}
	if err := s.DeleteToken(ctx, want.Hash); err != nil {
		t.Fatalf("DeleteToken = %v", err)
	}
	_, err = s.FindToken(ctx, want.Hash)
	wantKind(t, "FindToken after DeleteToken", err, tousu.KindNotFound)
	wantKind(t, "DeleteToken again", s.DeleteToken(ctx, want.Hash), tousu.KindNotFound)
	if _, err := s.FindToken(ctx, second.Hash); err != nil {
		t.Errorf("FindToken(second) after revoking the first = %v", err)
	}
}

func testCalendarOverrides(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	put := []tousu.CalendarOverride{
		{Date: tousu.MustDate("2027-10-09"), Workday: true, Name: "国庆节调休上班"},
		{Date: tousu.MustDate("2027-01-01"), Workday: false, Name: "元旦"},
		{Date: tousu.MustDate("2027-05-03"), Workday: false, Name: "本地假日"},
	}
	for _, o := range put {
		if err := s.PutCalendarOverride(ctx, o); err != nil {
			t.Fatalf("PutCalendarOverride(%s) = %v", o.Date, err)
		}
	}
	// Putting a date again replaces its override.
	if err := s.PutCalendarOverride(ctx, tousu.CalendarOverride{Date: tousu.MustDate("2027-05-03"), Workday: true, Name: "改为上班"}); err != nil {
		t.Fatalf("PutCalendarOverride again = %v", err)
	}
	if err := s.DeleteCalendarOverride(ctx, tousu.MustDate("2027-01-01")); err != nil {
		t.Fatalf("DeleteCalendarOverride = %v", err)
	}
	got, err := s.ListCalendarOverrides(ctx)
	if err != nil {
		t.Fatalf("ListCalendarOverrides = %v", err)
	}
	want := []tousu.CalendarOverride{
		{Date: tousu.MustDate("2027-05-03"), Workday: true, Name: "改为上班"},
		{Date: tousu.MustDate("2027-10-09"), Workday: true, Name: "国庆节调休上班"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListCalendarOverrides = %+v, want %+v", got, want)
	}
	wantKind(t, "DeleteCalendarOverride twice", s.DeleteCalendarOverride(ctx, tousu.MustDate("2027-01-01")), tousu.KindNotFound)
}

func testPolicies(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	policies := []*tousu.Policy{
		{Name: "默认", Days: 15, Unit: tousu.WorkingDays},
		{Name: "信访", Kind: tousu.KindReport, Days: 60, Unit: tousu.CalendarDays},
		{Name: "现场协调", Category: "attitude", Classification: tousu.ClassOnsite, Days: 0, Unit: tousu.WorkingDays},
		{Name: "12345热线工单", Channel: tousu.ChannelHotline, Days: 5, Unit: tousu.WorkingDays},
	}
	for i, p := range policies {
		if err := s.PutPolicy(ctx, p); err != nil {
			t.Fatalf("PutPolicy(%s) = %v", p.Name, err)
		}
		if p.ID == 0 || (i > 0 && p.ID <= policies[i-1].ID) {
			t.Errorf("PutPolicy(%s): ID = %d, want a new ID after the last", p.Name, p.ID)
		}
	}
	policies[1].Days, policies[1].Name, policies[1].OrgUnit = 30, "举报", "hospital-1"
	id := policies[1].ID
	if err := s.PutPolicy(ctx, policies[1]); err != nil {
		t.Fatalf("PutPolicy(update) = %v", err)
	}
	if policies[1].ID != id {
		t.Errorf("PutPolicy(update) changed the ID to %d, want %d", policies[1].ID, id)
	}
	if err := s.DeletePolicy(ctx, policies[0].ID); err != nil {
		t.Fatalf("DeletePolicy = %v", err)
	}
	got, err := s.ListPolicies(ctx)
	if err != nil {
		t.Fatalf("ListPolicies = %v", err)
	}
	want := []tousu.Policy{*policies[1], *policies[2], *policies[3]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListPolicies = %+v, want %+v", got, want)
	}
}

func testAudit(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	// Instants finer than a millisecond are kept to the millisecond, and hashed as kept.
	recs := []tousu.AuditRecord{
		{At: base.Add(123456789 * time.Nanosecond), Actor: "admin", Action: "login", Client: "10.0.0.1"},
		{At: base.Add(time.Second), Actor: "admin", Action: "export", Object: "complaints", Detail: "2026年11月"},
	}
	if err := s.AppendAudit(ctx, recs); err != nil {
		t.Fatalf("AppendAudit = %v", err)
	}
	c := newComplaint(t)
	ch := registration(c)
	ch.Audit = []tousu.AuditRecord{{At: base.Add(2 * time.Second), Actor: "clerk1", Action: "register", Client: "10.0.0.2"}}
	if err := s.CreateComplaint(ctx, ch); err != nil {
		t.Fatalf("CreateComplaint = %v", err)
	}
	c.Status = tousu.StatusAccepted
	uch := &tousu.Change{Complaint: c, Audit: []tousu.AuditRecord{
		{At: base.Add(3 * time.Second), Actor: "sup1", Action: "accept", Object: c.Number},
		{At: base.Add(4 * time.Second), Actor: "sup1", Action: "reveal", Object: c.Number, Detail: "核实投诉人身份"},
	}}
	if err := s.UpdateComplaint(ctx, uch); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	if err := s.AppendAudit(ctx, []tousu.AuditRecord{{At: base.Add(5 * time.Second), Actor: "system", Action: "overdue"}}); err != nil {
		t.Fatalf("AppendAudit = %v", err)
	}
	appended := slices.Concat(recs, ch.Audit, uch.Audit)

	got, err := s.ListAudit(ctx, 0, 100)
	if err != nil {
		t.Fatalf("ListAudit = %v", err)
	}
	if len(got) != 6 {
		t.Fatalf("ListAudit = %d records, want 6", len(got))
	}
	prev := ""
	for i, r := range got {
		if r.ID != int64(i+1) {
			t.Errorf("ListAudit[%d].ID = %d, want %d", i, r.ID, i+1)
		}
		if r.PrevHash != prev {
			t.Errorf("ListAudit[%d].PrevHash = %q, want the previous hash %q", i, r.PrevHash, prev)
		}
		if h := tousu.ChainHash(prev, r); r.Hash != h {
			t.Errorf("ListAudit[%d].Hash = %q, want ChainHash = %q", i, r.Hash, h)
		}
		prev = r.Hash
		// The records passed in learn their ID and hashes.
		if i < len(appended) {
			a := appended[i]
			if a.ID != r.ID || a.Hash != r.Hash || a.PrevHash != r.PrevHash || !a.At.Equal(r.At) || a.Actor != r.Actor ||
				a.Action != r.Action || a.Object != r.Object || a.Client != r.Client || a.Detail != r.Detail {
				t.Errorf("record %d as appended = %+v, as stored %+v", i, a, r)
			}
		}
	}
	if got[2].Object != c.Number {
		t.Errorf("registration's audit record: Object = %q, want the new number %q", got[2].Object, c.Number)
	}
	if !got[0].At.Equal(base.Add(123 * time.Millisecond)) {
		t.Errorf("ListAudit[0].At = %v, want %v (to the millisecond)", got[0].At, base.Add(123*time.Millisecond))
	}

	page, err := s.ListAudit(ctx, 2, 3)
	if err != nil {
		t.Fatalf("ListAudit(2, 3) = %v", err)
	}
	var ids []int64
	for _, r := range page {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []int64{3, 4, 5}) {
		t.Errorf("ListAudit(2, 3) = IDs %v, want [3 4 5]", ids)
	}
}

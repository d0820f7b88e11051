package demo_test

import (
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/demo"
)

// TestDemoIntake: on the demo, no unit lacks a supervisor or a handler and no complaint
// is unseen; the top unit has a real name; a portal complaint naming no unit reaches the
// demo supervisor's 待受理 with a desk message.
func TestDemoIntake(t *testing.T) {
	ctx := t.Context()
	a := newApp(t)
	if _, err := demo.Load(ctx, a, demo.Options{Complaints: 40, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	cov, err := a.Coverage(ctx, tousu.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if !cov.Empty() {
		t.Errorf("coverage on the demo: units %+v, unseen %v", cov.Units, cov.Unseen)
	}
	units, _ := a.Units(ctx)
	for _, u := range units {
		if u.Parent == "" && (u.Name == "本机构" || u.Name != demo.TopName) {
			t.Errorf("top unit named %q", u.Name)
		}
	}
	in := tousu.Register{Complainant: tousu.Complainant{Name: "王五", Phone: "13700001111"},
		Target: tousu.Target{Description: "不清楚，在下面描述"},
		Matter: "在大厅排队两个小时没有人叫号，询问工作人员也没有人理会。"}
	v, err := a.SubmitPublic(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	sup := actor(t, a, demo.LoginSupervisor)
	page, err := a.List(ctx, sup, app.ListQuery{Statuses: []tousu.Status{tousu.StatusRegistered}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range page.Items {
		found = found || c.Number == v.Number
	}
	if !found {
		t.Errorf("the supervisor's 待受理 lacks %s (owner %s)", v.Number, v.OwnerUnit)
	}
	msgs, err := a.DeskMessages(ctx, sup, true, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	told := false
	for _, m := range msgs.Items {
		told = told || (m.Number == v.Number && strings.Contains(m.Subject, "待受理"))
	}
	if !told {
		t.Errorf("no desk message about %s for the supervisor: %+v", v.Number, msgs.Items)
	}
}

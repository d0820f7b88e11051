package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
	"tousu/internal/web"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is a running server on a fresh database of the store under test (see TestMain) with
// an organisation:
//
//	root (centre) ─┬─ office (supervision office)
//	               ├─ dept-a ── win-a1   staff A001 (target of complaints), A002
//	               └─ dept-b ── win-b1   staff B001
//
// and one account per role, each with a token in tokens.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	app    *app.App
	store  tousu.Store
	clock  *clock
	tokens map[string]string
	keys   *pii.KeyRing // the identity keys, which further nodes on the same database share
	dsn    string       // the database: a file path (SQLite) or a postgres:// URL
	// assisted makes drive assign with dept-b as the assisting unit (协办).
	assisted bool
}

var cst = time.FixedZone("CST", 8*3600)

// storeUnderTest is the database the package's tests are running on. TestMain runs every
// test on SQLite, then all of them again on PostgreSQL when TOUSU_TEST_POSTGRES names a
// server: the HTTP API must behave the same on both.
var storeUnderTest = "sqlite"

func TestMain(m *testing.M) {
	code := m.Run()
	if !storetest.PostgresConfigured() {
		fmt.Println("internal/web: the tests ran on SQLite only; PostgreSQL: " + storetest.PostgresHowTo)
		os.Exit(code)
	}
	fmt.Println("internal/web: the same tests again, on PostgreSQL (" + storetest.PostgresVar + ")")
	storeUnderTest = "postgres"
	if c := m.Run(); code == 0 {
		code = c
	}
	os.Exit(code)
}

// openStore opens a fresh, migrated, empty database of the store under test, closed and
// removed when the test ends, and returns it with its DSN.
func openStore(t testing.TB) (tousu.Store, string) {
	t.Helper()
	ctx := context.Background()
	var (
		db  tousu.Store
		dsn string
		err error
	)
	switch storeUnderTest {
	case "postgres":
		// Logged, so that a failure in the second pass says which store it ran on.
		t.Log("store: PostgreSQL")
		dsn = storetest.NewPostgresDatabase(t)
		db, err = postgres.Open(ctx, dsn)
	default:
		dsn = filepath.Join(t.TempDir(), "tousu.db")
		db, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db, dsn
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, dsn := openStore(t)
	keys, err := pii.NewKeyRing(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 1, 30, 10, 0, 0, 0, cst)}
	a, err := app.New(app.Options{Store: db, Keys: keys, Now: clk.Now, Location: cst})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureBase(ctx); err != nil {
		t.Fatal(err)
	}
	admin := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	for _, u := range []tousu.Unit{
		{Code: "office", Name: "投诉督查处", Parent: "root", Kind: tousu.UnitOffice},
		{Code: "dept-a", Name: "人社局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-a1", Name: "社保1号窗口", Parent: "dept-a", Kind: tousu.UnitWindow},
		{Code: "dept-b", Name: "医保局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-b1", Name: "医保1号窗口", Parent: "dept-b", Kind: tousu.UnitWindow},
	} {
		if err := a.PutUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []tousu.Staff{
		{Badge: "A001", Name: "王窗口", Unit: "win-a1", Active: true},
		{Badge: "A002", Name: "李科长", Unit: "dept-a", Active: true},
		{Badge: "B001", Name: "赵窗口", Unit: "win-b1", Active: true},
	} {
		if err := a.PutStaff(ctx, admin, s); err != nil {
			t.Fatal(err)
		}
	}
	// Benchmarks use the server, not the helpers that report through e.t.
	tt, _ := t.(*testing.T)
	e := &env{t: tt, app: a, store: db, clock: clk, tokens: map[string]string{}, keys: keys, dsn: dsn}
	for _, u := range []app.NewUser{
		{Login: "clerk", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}},
		{Login: "supervisor", Name: "督查员", Roles: []tousu.Role{tousu.RoleSupervisor}},
		{Login: "handler-a", Name: "人社承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a", Staff: "A002"},
		{Login: "handler-b", Name: "医保承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-b"},
		{Login: "handler-a2", Name: "人社另一承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a"},
		{Login: "inspector", Name: "纪检", Roles: []tousu.Role{tousu.RoleInspector}},
		{Login: "leader", Name: "领导", Roles: []tousu.Role{tousu.RoleLeader}},
		{Login: "admin", Name: "管理员", Roles: []tousu.Role{tousu.RoleAdmin}},
		{Login: "target", Name: "王窗口", Roles: []tousu.Role{tousu.RoleHandler, tousu.RoleSupervisor}, Unit: "dept-a", Staff: "A001"},
		{Login: "omni", Name: "全部角色", Roles: []tousu.Role{tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleHandler,
			tousu.RoleInspector, tousu.RoleLeader, tousu.RoleAdmin}},
		{Login: "dept-b-super", Name: "医保督查", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "dept-b"},
	} {
		u.Password = "correct horse battery"
		if _, err := a.CreateUser(ctx, tousu.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		tok, err := a.CreateToken(ctx, tousu.SystemActor, u.Login)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Login] = tok
	}
	e.srv = httptest.NewServer(web.New(web.Options{App: a, SubmitPerMinute: 1000, TrackPerMinute: 1000}))
	t.Cleanup(e.srv.Close)
	return e
}

// result is an HTTP answer decoded loosely.
type result struct {
	code   int
	header http.Header
	body   map[string]any
	raw    string
}

// field reads a dotted path such as "error.fields.matter" from the body.
func (r result) field(path string) any {
	var cur any = r.body
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// fieldErr is the message naming field (which may contain dots) in an error answer.
func (r result) fieldErr(field string) string {
	fields, _ := r.field("error.fields").(map[string]any)
	s, _ := fields[field].(string)
	return s
}

func (r result) str(path string) string {
	s, _ := r.field(path).(string)
	return s
}

// do sends a request as the named account ("" for none). body may be a string (sent
// as is) or a value (sent as JSON).
func (e *env) do(method, path, who string, body any) result {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) result {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{code: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// validComplaint is a registration that passes validation, about window win-a1.
func validComplaint() map[string]any {
	return map[string]any{
		"kind": "complaint", "channel": "visit",
		"complainant": map[string]any{"name": "张三", "phone": "13812345678"},
		"target":      map[string]any{"unit": "win-a1", "description": "1号窗口穿蓝色制服的工作人员"},
		"matter":      "1月29日下午在社保1号窗口办理参保登记，工作人员态度生硬，材料不全也未一次性告知，让我跑了三趟。",
		"request":     "要求窗口一次性告知所需材料并道歉。",
		"categories":  []string{"attitude", "notification"},
	}
}

// register registers a valid complaint as the clerk and returns its number.
func (e *env) register(mod func(map[string]any)) string {
	e.t.Helper()
	body := validComplaint()
	if mod != nil {
		mod(body)
	}
	r := e.do("POST", "/api/v1/complaints", "clerk", body)
	if r.code != http.StatusCreated {
		e.t.Fatalf("register: %d %s", r.code, r.raw)
	}
	return r.str("number")
}

// act takes an action and fails the test unless the answer has the wanted code.
func (e *env) act(number, action, who string, body any, want int) result {
	e.t.Helper()
	r := e.do("POST", "/api/v1/complaints/"+number+"/"+action, who, body)
	if r.code != want {
		e.t.Fatalf("%s %s as %s: got %d, want %d: %s", action, number, who, r.code, want, r.raw)
	}
	return r
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Package e2e holds tousu's browser tests: a real server on 127.0.0.1 over a temp-file
// SQLite database, driven by headless Chromium through chromedp. They skip loudly when
// Chromium is missing, unless the CI environment variable is set: then they fail.
//
// The harness is shared by the desk's tests and the portal's:
//
//	srv := startServer(t, serverOptions{})          // organisation, accounts, server
//	browser := newBrowser(t)                        // one Chromium per test
//	tab := newTab(t, browser)                       // a tab with its own cookies
//	signIn(t, tab, srv, "clerk")
//	shot(t, tab, "inbox")                           // out/<Test>-01-inbox.png
//
// Screenshots are written to internal/e2e/out/ (ignored by git) for review.
package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/sqlite"
	"tousu/internal/web"
)

// password is every test account's password.
const password = "correct horse battery"

// chromiumPath is Debian's chromium; TOUSU_CHROMIUM names another binary.
func chromiumPath() string {
	if p := os.Getenv("TOUSU_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// server is a running tousu with an organisation:
//
//	root 示范区政务服务中心 ─┬─ office 投诉督查处
//	                        ├─ dept-a 人社局 ── win-a1 社保1号窗口   staff A001 王窗口, A002 李科长
//	                        └─ dept-b 医保局 ── win-b1 医保1号窗口   staff B001 赵窗口
//
// and the accounts clerk, supervisor, handler-a (人社局), handler-b (医保局), inspector,
// leader and admin, all with the password "correct horse battery".
type server struct {
	URL      string
	App      *app.App
	Store    tousu.Store
	Password string // the accounts' password
}

// serverOptions configure startServer.
type serverOptions struct {
	// Now is the app's clock; nil is the real one.
	Now func() time.Time
	// Bare leaves out the test organisation and accounts: the database has only what
	// every deployment has (a root unit and the default categories), e.g. for Seed to
	// load the demo.
	Bare bool
	// Seed runs before the server starts, e.g. to register complaints through srv.App.
	// It may set srv.Password when it creates its own accounts.
	Seed func(t *testing.T, srv *server)
}

// admin is the actor that builds the test organisation.
var admin = tousu.Actor{Login: "setup", Name: "测试准备", Roles: []tousu.Role{tousu.RoleAdmin}}

func startServer(t *testing.T, opts serverOptions) *server {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.NewKeyRing(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Store: db, Keys: keys, Now: opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureBase(ctx); err != nil {
		t.Fatal(err)
	}
	srv := &server{App: a, Store: db, Password: password}
	if !opts.Bare {
		buildOrganisation(t, a)
	}
	if opts.Seed != nil {
		opts.Seed(t, srv)
	}
	// httptest listens on 127.0.0.1, where Chromium accepts the session's Secure cookie
	// over plain HTTP (a potentially trustworthy origin).
	hs := httptest.NewServer(web.New(web.Options{App: a, SubmitPerMinute: 1000, TrackPerMinute: 1000}))
	t.Cleanup(hs.Close)
	srv.URL = hs.URL
	return srv
}

// buildOrganisation creates the test organisation and accounts of server's comment.
func buildOrganisation(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	for _, u := range []tousu.Unit{
		{Code: app.RootUnitCode, Name: "示范区政务服务中心", Kind: tousu.UnitCentre, Phone: "0571-12345678", Hours: "工作日 9:00–17:00"},
		{Code: "office", Name: "投诉督查处", Parent: "root", Kind: tousu.UnitOffice, Phone: "0571-87654321", Address: "中心二楼201室", Hours: "工作日 9:00–17:00"},
		{Code: "dept-a", Name: "人社局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-a1", Name: "社保1号窗口", Parent: "dept-a", Kind: tousu.UnitWindow},
		{Code: "dept-b", Name: "医保局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-b1", Name: "医保1号窗口", Parent: "dept-b", Kind: tousu.UnitWindow},
		{Code: "dept-c", Name: "市场监管局", Parent: "root", Kind: tousu.UnitDepartment},
	} {
		if err := a.PutUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []tousu.Staff{
		{Badge: "A001", Name: "王窗口", Unit: "win-a1", Title: "窗口工作人员", Active: true},
		{Badge: "A002", Name: "李科长", Unit: "dept-a", Title: "科长", Active: true},
		{Badge: "B001", Name: "赵窗口", Unit: "win-b1", Title: "窗口工作人员", Active: true},
	} {
		if err := a.PutStaff(ctx, admin, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []app.NewUser{
		{Login: "clerk", Name: "陈受理", Roles: []tousu.Role{tousu.RoleClerk}},
		{Login: "supervisor", Name: "周督查", Roles: []tousu.Role{tousu.RoleSupervisor}},
		{Login: "handler-a", Name: "李科长", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a", Staff: "A002"},
		{Login: "handler-b", Name: "医保承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-b"},
		{Login: "handler-c", Name: "市场监管承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-c"},
		{Login: "inspector", Name: "吴纪检", Roles: []tousu.Role{tousu.RoleInspector}},
		{Login: "leader", Name: "郑主任", Roles: []tousu.Role{tousu.RoleLeader}},
		{Login: "admin", Name: "系统管理员", Roles: []tousu.Role{tousu.RoleAdmin}},
	} {
		u.Password = password
		if _, err := a.CreateUser(ctx, tousu.SystemActor, u); err != nil {
			t.Fatal(err)
		}
	}
}

// noBrowser is set when a test skipped for want of Chromium, so that TestMain says so
// once more at the end, where it is seen.
var noBrowser atomic.Value // string: the reason

func TestMain(m *testing.M) {
	code := m.Run()
	if why, _ := noBrowser.Load().(string); why != "" {
		fmt.Println("internal/e2e: BROWSER TESTS SKIPPED — " + why + "; with CI set they fail instead")
	}
	os.Exit(code)
}

// browserTimeout bounds a whole browser test: the browser is killed after it.
const browserTimeout = 90 * time.Second

// newBrowser starts a headless Chromium for the test and returns its context, or skips
// the test, loudly, when Chromium is missing (and fails it when CI is set).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("browser test needs Chromium at %s (Debian package chromium; or set TOUSU_CHROMIUM): %v", path, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		noBrowser.Store(msg)
		t.Skip("SKIPPED — " + msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in containers and CI
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(desktopWidth, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil { // start the browser now, so that failures say so
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// desktopWidth is the window width of the desk's screenshots; phoneWidth a phone's.
const (
	desktopWidth = 1280
	phoneWidth   = 390
)

// newTab opens a tab in a fresh browser context: its own cookies, so that each tab
// can be signed in as someone else.
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx
}

// run runs browser steps and fails the test with where it stood.
func run(t *testing.T, tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tab, steps...); err != nil {
		loc, _ := chromedp.Run(tab, chromedp.Location())
		shot(t, tab, "failed-"+what)
		t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// textOf is the visible text of the first element matching the CSS selector.
func textOf(t *testing.T, tab context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// signIn signs the tab in as login (signing out whoever was signed in) and waits for
// the desk.
func signIn(t *testing.T, tab context.Context, srv *server, login string) {
	t.Helper()
	run(t, tab, "sign in as "+login,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SetValue(chromedp.ID("login"), login),
		chromedp.SetValue(chromedp.ID("password"), srv.Password),
	)
	submit(t, tab, "sign in as "+login, `form[action="/login"] button[type=submit]`)
	run(t, tab, "signed in as "+login, chromedp.WaitVisible(chromedp.CSS("form.whoami")))
}

// submit clicks a button that submits a form, and waits until the page it leads to
// (after any redirect) has loaded.
func submit(t *testing.T, tab context.Context, what, css string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css)))); err != nil {
		loc, _ := chromedp.Run(tab, chromedp.Location())
		shot(t, tab, "failed-"+what)
		t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

var (
	shotMu      sync.Mutex
	shotCount   = map[string]int{}
	unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)
)

// outDir is where screenshots go, beside the tests.
const outDir = "out"

// shot writes a full-page PNG screenshot of the tab to out/<Test>-<NN>-<name>.png.
func shot(t *testing.T, tab context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	return writeShot(t, name, png)
}

func writeShot(t *testing.T, name string, png []byte) string {
	t.Helper()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	test := unsafeChars.ReplaceAllString(t.Name(), "_")
	shotMu.Lock()
	shotCount[test]++
	n := shotCount[test]
	shotMu.Unlock()
	path := filepath.Join(outDir, fmt.Sprintf("%s-%02d-%s.png", test, n, unsafeChars.ReplaceAllString(name, "_")))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// viewport sets the tab's viewport width (desktopWidth or phoneWidth).
func viewport(t *testing.T, tab context.Context, width int64) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	run(t, tab, "viewport", chromedp.EmulateViewport(width, 900, opts...))
}

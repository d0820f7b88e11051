package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/audit"
	"tousu/internal/demo"
	"tousu/internal/pii"
)

func (m *Main) migrate(ctx context.Context, args []string) error {
	var cfg config
	if err := parse(m.flags("migrate", &cfg), args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	fmt.Fprintln(m.Stdout, "schema up to date")
	return nil
}

func (m *Main) demo(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("demo", &cfg)
	n := fs.Int("complaints", 300, "how many demo complaints to load")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	sum, err := demo.Load(ctx, e.app, demo.Options{Complaints: *n})
	if err != nil {
		return err
	}
	if sum.Skipped {
		fmt.Fprintln(m.Stdout, "demo already loaded; nothing changed")
		return nil
	}
	fmt.Fprintf(m.Stdout, "demo loaded: %d units, %d staff, %d accounts (password %s), %d complaints\n",
		sum.Units, sum.Staff, sum.Users, demo.Password, sum.Complaints)
	return nil
}

func (m *Main) userAdd(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("user add", &cfg)
	login := fs.String("login", "", "login name (required)")
	name := fs.String("name", "", "the person's name (required)")
	roles := fs.String("role", "", "roles, comma-separated: clerk, supervisor, handler, inspector, leader, admin (required)")
	unit := fs.String("unit", "", "code of the unit whose subtree the roles cover (default: the root unit)")
	staff := fs.String("staff", "", "badge of the staff member this account belongs to")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *login == "" || *name == "" || *roles == "" {
		fs.Usage()
		return usageError{"--login, --name and --role are required"}
	}
	nu := app.NewUser{Login: *login, Name: *name, Unit: *unit, Staff: *staff}
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			nu.Roles = append(nu.Roles, tousu.Role(r))
		}
	}
	if *pwStdin {
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return usageError{"--password-stdin: no password on standard input"}
		}
		nu.Password = strings.TrimRight(line, "\r\n")
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	pw, err := e.app.CreateUser(ctx, tousu.SystemActor, nu)
	if err != nil {
		return fieldError(err)
	}
	if *pwStdin {
		fmt.Fprintf(m.Stdout, "created %s\n", nu.Login)
	} else {
		fmt.Fprintf(m.Stdout, "created %s; password: %s\n", nu.Login, pw)
	}
	return nil
}

// userPasswd sets or generates a new password for any account (`tousu user passwd`),
// for a lost admin password above all; it is audited.
func (m *Main) userPasswd(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("user passwd", &cfg)
	login := fs.String("login", "", "login name (required)")
	pwStdin := fs.Bool("password-stdin", false, "read the new password from standard input instead of generating one")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *login == "" {
		fs.Usage()
		return usageError{"--login is required"}
	}
	password := ""
	if *pwStdin {
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return usageError{"--password-stdin: no password on standard input"}
		}
		if password = strings.TrimRight(line, "\r\n"); password == "" {
			return usageError{"--password-stdin: the password is empty"}
		}
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	pw, err := e.app.SetPassword(ctx, adminActor(), *login, password)
	if err != nil {
		return fieldError(err)
	}
	if *pwStdin {
		fmt.Fprintf(m.Stdout, "password of %s set\n", *login)
	} else {
		fmt.Fprintf(m.Stdout, "password of %s set; new password: %s\n", *login, pw)
	}
	return nil
}

func (m *Main) tokenCreate(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("token create", &cfg)
	login := fs.String("login", "", "the account the token acts as (required)")
	expires := fs.String("expires", "", "how long the token works, e.g. 90d or 12h; empty: until revoked")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *login == "" {
		return usageError{"--login is required"}
	}
	ttl, err := parseTTL(*expires)
	if err != nil {
		return usageError{"--expires: " + err.Error()}
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	var until time.Time
	if ttl > 0 {
		until = e.app.Now().Add(ttl)
	}
	tok, err := e.app.CreateTokenUntil(ctx, tousu.SystemActor, *login, until)
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(m.Stdout, tok)
	return nil
}

// parseTTL reads a token's lifetime: Go's durations (12h, 90m) and whole days (90d).
func parseTTL(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 || n > 3660 {
			return 0, fmt.Errorf("%q is not a number of days between 1 and 3660", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	ttl, err := time.ParseDuration(s)
	if err != nil || ttl <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 90d or 12h", s)
	}
	return ttl, nil
}

func (m *Main) tokenList(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("token list", &cfg)
	login := fs.String("login", "", "only this account's tokens")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	toks, err := e.app.Tokens(ctx, tousu.SystemActor, *login)
	if err != nil {
		return fieldError(err)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLOGIN\tCREATED\tEXPIRES")
	for _, t := range toks {
		exp := "never"
		if !t.ExpiresAt.IsZero() {
			exp = t.ExpiresAt.Format(time.RFC3339)
			if t.Expired {
				exp += " (expired)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Login, t.CreatedAt.Format(time.RFC3339), exp)
	}
	return tw.Flush()
}

func (m *Main) tokenRevoke(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("token revoke", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: tousu token revoke ID (the ID that token list shows)"}
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := e.app.RevokeToken(ctx, tousu.SystemActor, fs.Arg(0)); err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(m.Stdout, "revoked")
	return nil
}

func (m *Main) calendar(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{calendarUsage}
	}
	sub, args := args[0], args[1:]
	if sub == "import" {
		return m.calendarImport(ctx, args)
	}
	var cfg config
	fs := m.flags("calendar "+sub, &cfg)
	workday := fs.Bool("workday", false, "the date is a working day (e.g. a make-up day)")
	rest := fs.Bool("rest", false, "the date is a rest day (e.g. a local holiday)")
	name := fs.String("name", "", "what the day is, e.g. 2027年春节 or 调休上班")
	// The date comes first (calendar set 2027-02-11 --rest); flag parsing stops there.
	var date tousu.Date
	if sub != "list" {
		if len(args) == 0 {
			return usageError{"calendar " + sub + ": a date YYYY-MM-DD is required"}
		}
		d, err := tousu.ParseDate(args[0])
		if err != nil {
			return usageError{"calendar " + sub + ": the date must be YYYY-MM-DD"}
		}
		date, args = d, args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	switch sub {
	case "list":
		ovs, err := e.app.CalendarOverrides(ctx)
		if err != nil {
			return err
		}
		for _, o := range ovs {
			kind := "rest"
			if o.Workday {
				kind = "workday"
			}
			fmt.Fprintf(m.Stdout, "%s\t%s\t%s\n", o.Date, kind, o.Name)
		}
		return nil
	case "set":
		if *workday == *rest {
			return usageError{"calendar set: give exactly one of --workday or --rest"}
		}
		err = e.app.PutCalendarOverride(ctx, adminActor(), tousu.CalendarOverride{Date: date, Workday: *workday, Name: *name})
	case "delete":
		err = e.app.DeleteCalendarOverride(ctx, adminActor(), date)
	default:
		return usageError{calendarUsage}
	}
	if err != nil {
		return fieldError(err)
	}
	fmt.Fprintln(m.Stdout, "ok")
	return nil
}

// adminActor is the operator at the command line: an admin, recorded as "cli" in the
// audit log.
func adminActor() tousu.Actor {
	return tousu.Actor{Login: "cli", Name: "命令行", Roles: []tousu.Role{tousu.RoleAdmin}}
}

func (m *Main) backup(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("backup", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: tousu backup PATH"}
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new path", path)
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := e.app.Backup(ctx, adminActor(), path); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written to %s (keep the key ring with it: identities cannot be read without it)\n", path)
	return nil
}

func (m *Main) auditVerify(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("audit verify", &cfg)
	var anchors []audit.Head
	fs.Func("anchor", "a head printed by an earlier run, ID:HASH, that the chain must still run through (repeatable)", func(s string) error {
		h, err := audit.ParseAnchor(s)
		if err != nil {
			return err
		}
		anchors = append(anchors, h)
		return nil
	})
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	h, err := audit.Verify(ctx, e.store, anchors...)
	var broken *audit.Broken
	if errors.As(err, &broken) {
		fmt.Fprintf(m.Stdout, "BROKEN at record %d after %d good records: %s\n", broken.ID, h.Records, broken.Reason)
		return fmt.Errorf("audit chain broken at record %d", broken.ID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "audit chain intact: %d records; head %s\n", h.Records, h)
	fmt.Fprintln(m.Stdout, "(keep the head apart from the database; pass it back with --anchor to detect a log cut short or rewritten)")
	return nil
}

// fieldError spells out a validation error's fields for the terminal.
func fieldError(err error) error {
	fields := tousu.FieldsOf(err)
	if len(fields) == 0 {
		if tousu.KindOf(err) != tousu.KindInternal {
			return errors.New(tousu.PublicMessage(err))
		}
		return err
	}
	var b strings.Builder
	b.WriteString(tousu.PublicMessage(err))
	for k, v := range fields {
		fmt.Fprintf(&b, "\n  %s: %s", k, v)
	}
	return usageError{b.String()}
}

func (m *Main) keysGenerate(args []string) error {
	if len(args) != 1 {
		return usageError{"usage: tousu keys generate PATH"}
	}
	path := args[0]
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("keys generate: %s exists already; a key ring is never overwritten", path)
	}
	if _, _, err := pii.LoadOrCreateKeyFile(path, rand.Reader); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "key ring written to %s (mode 0600); back it up apart from the database\n", path)
	return nil
}

const calendarUsage = "usage: tousu calendar list | set DATE --workday|--rest --name NAME | delete DATE | import FILE [--year YYYY] [--yes]"

// calendarImport reads a State Council notice (its text, or JSON in the format of
// holidays.json) from FILE ("-" for standard input), shows the days it found, and puts it
// in force only with --yes: a calendar moves every open case's due date.
func (m *Main) calendarImport(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("calendar import", &cfg)
	year := fs.Int("year", 0, "the notice's year (default: from its title)")
	yes := fs.Bool("yes", false, "import without asking again (otherwise only show what the notice gives)")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-" {
		return usageError{"calendar import: a FILE is required (the notice's text, or JSON; - for standard input)"}
	}
	file, args := args[0], args[1:]
	if err := parse(fs, args); err != nil {
		return err
	}
	var text []byte
	var err error
	if file == "-" {
		text, err = io.ReadAll(io.LimitReader(m.Stdin, 1<<20))
	} else {
		text, err = os.ReadFile(file)
	}
	if err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	res, err := e.app.ImportNotice(ctx, adminActor(), app.NoticeInput{Year: *year, Text: string(text), DryRun: !*yes})
	if err != nil {
		return fieldError(err)
	}
	weekdays := [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
	fmt.Fprintf(m.Stdout, "%d年：放假 %d 天，调休上班 %d 天\n", res.Year, len(res.Holidays), len(res.Workdays))
	for _, l := range []struct {
		label string
		dates []tousu.Date
	}{{"放假", res.Holidays}, {"上班", res.Workdays}} {
		for _, d := range l.dates {
			fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%s\n", d, weekdays[d.Weekday()], l.label, res.Names[d.String()])
		}
	}
	if !res.Saved {
		fmt.Fprintln(m.Stdout, "未导入：请与通知核对，确认无误后加 --yes 再运行一次。")
		return nil
	}
	fmt.Fprintln(m.Stdout, "已导入；未办结案件的办理期限将由后台任务重新计算。")
	return nil
}

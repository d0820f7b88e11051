package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
)

const userColumns = `login, name, roles, unit, staff, password_hash, disabled, created_at, failed_logins, locked_until, epoch`

func scanUser(s pgx.Row) (tousu.User, error) {
	var (
		u               tousu.User
		roles           string
		created, locked int64
	)
	if err := s.Scan(&u.Login, &u.Name, &roles, &u.Unit, &u.Staff, &u.PasswordHash, &u.Disabled, &created,
		&u.FailedLogins, &locked, &u.Epoch); err != nil {
		return u, err
	}
	u.Roles = splitRoles(roles)
	u.CreatedAt = fromMillis(created)
	u.LockedUntil = fromZeroMillis(locked)
	return u, nil
}

// joinRoles stores roles comma-separated; role names never contain commas.
func joinRoles(roles []tousu.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []tousu.Role {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	roles := make([]tousu.Role, len(parts))
	for i, p := range parts {
		roles[i] = tousu.Role(p)
	}
	return roles
}

// CreateUser inserts an account; an existing login fails with kind conflict.
func (db *DB) CreateUser(ctx context.Context, u *tousu.User) (err error) {
	defer wrap(&err, "postgres.CreateUser(%q)", u.Login)
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (login) DO NOTHING`,
			u.Login, u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled, millis(u.CreatedAt),
			u.FailedLogins, zeroMillis(u.LockedUntil), u.Epoch)
		if err != nil {
			return err
		}
		// ON CONFLICT waits for a concurrent insert of the same login and then does
		// nothing: the later of two creations is the conflict, as in SQLite.
		if tag.RowsAffected() == 0 {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "登录名已存在", Fields: map[string]string{"login": "登录名已存在"}}
		}
		return linkStaff(ctx, tx, u.Login, u.Staff, u.CreatedAt)
	})
}

// linkStaff records that the account is linked to the badge; the history is never
// shortened, so that recusal follows the person.
func linkStaff(ctx context.Context, tx pgx.Tx, login, badge string, at time.Time) error {
	if badge == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO staff_links (login, badge, linked_at) VALUES ($1, $2, $3)
		ON CONFLICT (login, badge) DO NOTHING`, login, badge, millis(at))
	return err
}

// staffHistory returns every badge each account (or the one login, when not "") was
// ever linked to.
func (db *DB) staffHistory(ctx context.Context, login string) (map[string][]string, error) {
	q, args := `SELECT login, badge FROM staff_links ORDER BY login, linked_at, badge`, []any{}
	if login != "" {
		q, args = `SELECT login, badge FROM staff_links WHERE login = $1 ORDER BY linked_at, badge`, []any{login}
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var l, b string
		if err := rows.Scan(&l, &b); err != nil {
			return nil, err
		}
		out[l] = append(out[l], b)
	}
	return out, rows.Err()
}

// UpdateUser writes an account's name, roles, unit, staff, password hash, disabled flag and
// lockout (failed logins, locked until).
func (db *DB) UpdateUser(ctx context.Context, u *tousu.User) (err error) {
	defer wrap(&err, "postgres.UpdateUser(%q)", u.Login)
	if !storable(u.Login) {
		return notFound("未找到该账号")
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET name = $1, roles = $2, unit = $3, staff = $4, password_hash = $5, disabled = $6,
			failed_logins = $7, locked_until = $8, epoch = $9 WHERE login = $10`,
			u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled,
			u.FailedLogins, zeroMillis(u.LockedUntil), u.Epoch, u.Login)
		if err != nil {
			return err
		}
		if err := affected(tag, "未找到该账号"); err != nil {
			return err
		}
		return linkStaff(ctx, tx, u.Login, u.Staff, time.Now())
	})
}

// FindUser returns the account with the login.
func (db *DB) FindUser(ctx context.Context, login string) (_ *tousu.User, err error) {
	defer wrap(&err, "postgres.FindUser(%q)", login)
	if !storable(login) {
		return nil, notFound("未找到该账号")
	}
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE login = $1`, login))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("未找到该账号")
	}
	if err != nil {
		return nil, err
	}
	hist, err := db.staffHistory(ctx, u.Login)
	if err != nil {
		return nil, err
	}
	u.StaffHistory = hist[u.Login]
	return &u, nil
}

// ListUsers returns every account, by login.
func (db *DB) ListUsers(ctx context.Context) (_ []tousu.User, err error) {
	defer wrap(&err, "postgres.ListUsers")
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	hist, err := db.staffHistory(ctx, "")
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].StaffHistory = hist[out[i].Login]
	}
	return out, nil
}

// CreateToken stores an API token's hash for an existing account.
func (db *DB) CreateToken(ctx context.Context, t tousu.Token) (err error) {
	defer wrap(&err, "postgres.CreateToken(%q)", t.Login)
	if !storable(t.Login) {
		return notFound("未找到该账号")
	}
	// The foreign key finds the account: one statement, however many nodes.
	_, err = db.pool.Exec(ctx, `INSERT INTO tokens (hash, login, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		t.Hash, t.Login, millis(t.CreatedAt), zeroMillis(t.ExpiresAt))
	switch pgCode(err) {
	case codeUniqueViolation:
		return &tousu.Error{Kind: tousu.KindConflict, Message: "令牌已存在", Err: err}
	case codeForeignKeyViolation:
		return &tousu.Error{Kind: tousu.KindNotFound, Message: "未找到该账号", Err: err}
	}
	return err
}

// FindToken returns the token with the hash.
func (db *DB) FindToken(ctx context.Context, hash string) (_ *tousu.Token, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer wrap(&err, "postgres.FindToken")
	if !storable(hash) {
		return nil, notFound("令牌无效")
	}
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("令牌无效")
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

const tokenColumns = `hash, login, created_at, expires_at`

func scanToken(s pgx.Row) (tousu.Token, error) {
	var (
		t                tousu.Token
		created, expires int64
	)
	if err := s.Scan(&t.Hash, &t.Login, &created, &expires); err != nil {
		return t, err
	}
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromZeroMillis(expires)
	return t, nil
}

// ListTokens returns the tokens of an account ("" for every account), newest first.
func (db *DB) ListTokens(ctx context.Context, login string) (_ []tousu.Token, err error) {
	defer wrap(&err, "postgres.ListTokens(%q)", login)
	if !storable(login) {
		return nil, nil
	}
	q, args := `SELECT `+tokenColumns+` FROM tokens ORDER BY created_at DESC, hash`, []any{}
	if login != "" {
		q, args = `SELECT `+tokenColumns+` FROM tokens WHERE login = $1 ORDER BY created_at DESC, hash`, []any{login}
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteToken removes a token (revocation).
func (db *DB) DeleteToken(ctx context.Context, hash string) (err error) {
	defer wrap(&err, "postgres.DeleteToken")
	if !storable(hash) {
		return notFound("令牌不存在")
	}
	tag, err := db.pool.Exec(ctx, `DELETE FROM tokens WHERE hash = $1`, hash)
	if err != nil {
		return err
	}
	return affected(tag, "令牌不存在")
}

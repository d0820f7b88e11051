package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"tousu"
)

const userColumns = `login, name, roles, unit, staff, password_hash, disabled, created_at, failed_logins, locked_until`

func scanUser(s rowScanner) (tousu.User, error) {
	var (
		u               tousu.User
		roles           string
		created, locked int64
	)
	if err := s.Scan(&u.Login, &u.Name, &roles, &u.Unit, &u.Staff, &u.PasswordHash, &u.Disabled, &created,
		&u.FailedLogins, &locked); err != nil {
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
	defer tousu.Wrap(&err, "sqlite.CreateUser(%q)", u.Login)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (login) DO NOTHING`,
			u.Login, u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled, millis(u.CreatedAt),
			u.FailedLogins, zeroMillis(u.LockedUntil))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "登录名已存在", Fields: map[string]string{"login": "登录名已存在"}}
		}
		return nil
	})
}

// UpdateUser writes an account's name, roles, unit, staff, password hash, disabled flag and
// lockout (failed logins, locked until).
func (db *DB) UpdateUser(ctx context.Context, u *tousu.User) (err error) {
	defer tousu.Wrap(&err, "sqlite.UpdateUser(%q)", u.Login)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `UPDATE users SET name = ?, roles = ?, unit = ?, staff = ?, password_hash = ?, disabled = ?,
			failed_logins = ?, locked_until = ? WHERE login = ?`,
			u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled,
			u.FailedLogins, zeroMillis(u.LockedUntil), u.Login)
		if err != nil {
			return err
		}
		return affected(res, "未找到该账号")
	})
}

// FindUser returns the account with the login.
func (db *DB) FindUser(ctx context.Context, login string) (_ *tousu.User, err error) {
	defer tousu.Wrap(&err, "sqlite.FindUser(%q)", login)
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE login = ?`, login))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("未找到该账号")
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers returns every account, by login.
func (db *DB) ListUsers(ctx context.Context) (_ []tousu.User, err error) {
	defer tousu.Wrap(&err, "sqlite.ListUsers")
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
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
	return out, rows.Err()
}

// CreateToken stores an API token's hash for an existing account.
func (db *DB) CreateToken(ctx context.Context, t tousu.Token) (err error) {
	defer tousu.Wrap(&err, "sqlite.CreateToken(%q)", t.Login)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var one int
		err := txQueryRow(ctx, tx, `SELECT 1 FROM users WHERE login = ?`, t.Login).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("未找到该账号")
		}
		if err != nil {
			return err
		}
		_, err = txExec(ctx, tx, `INSERT INTO tokens (hash, login, created_at) VALUES (?, ?, ?)`,
			t.Hash, t.Login, millis(t.CreatedAt))
		if isUniqueViolation(err) {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "令牌已存在", Err: err}
		}
		return err
	})
}

// FindToken returns the token with the hash.
func (db *DB) FindToken(ctx context.Context, hash string) (_ *tousu.Token, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer tousu.Wrap(&err, "sqlite.FindToken")
	var (
		t       tousu.Token
		created int64
	)
	err = db.read.QueryRowContext(ctx, `SELECT hash, login, created_at FROM tokens WHERE hash = ?`, hash).
		Scan(&t.Hash, &t.Login, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("令牌无效")
	}
	if err != nil {
		return nil, err
	}
	t.CreatedAt = fromMillis(created)
	return &t, nil
}

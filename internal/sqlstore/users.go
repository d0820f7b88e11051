package sqlstore

import (
	"context"
	"strings"

	"tousu"
)

const userColumns = `login, name, roles, unit, staff, password_hash, disabled, created_at, failed_logins, locked_until`

func scanUser(r Row) (tousu.User, error) {
	var (
		u               tousu.User
		roles           string
		created, locked int64
	)
	if err := r.Scan(&u.Login, &u.Name, &roles, &u.Unit, &u.Staff, &u.PasswordHash, &u.Disabled, &created,
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

// CreateUser inserts an account; an existing login fails with kind conflict. ON CONFLICT
// waits for a concurrent insert of the same login and then does nothing: the later of two
// creations is the conflict, on either engine.
func (s *Store) CreateUser(ctx context.Context, u *tousu.User) (err error) {
	defer s.wrap(&err, "store.CreateUser(%q)", u.Login)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (login) DO NOTHING`,
			u.Login, u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled, millis(u.CreatedAt),
			u.FailedLogins, zeroMillis(u.LockedUntil))
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
func (s *Store) UpdateUser(ctx context.Context, u *tousu.User) (err error) {
	defer s.wrap(&err, "store.UpdateUser(%q)", u.Login)
	if !s.storable(u.Login) {
		return notFound("未找到该账号")
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `UPDATE users SET name = ?, roles = ?, unit = ?, staff = ?, password_hash = ?, disabled = ?,
			failed_logins = ?, locked_until = ? WHERE login = ?`,
			u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled,
			u.FailedLogins, zeroMillis(u.LockedUntil), u.Login)
		return affected(n, err, "未找到该账号")
	})
}

// FindUser returns the account with the login.
func (s *Store) FindUser(ctx context.Context, login string) (_ *tousu.User, err error) {
	defer s.wrap(&err, "store.FindUser(%q)", login)
	if !s.storable(login) {
		return nil, notFound("未找到该账号")
	}
	u, err := scanUser(s.e.Read.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE login = ?`, login))
	if noRows(err) {
		return nil, notFound("未找到该账号")
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers returns every account, by login.
func (s *Store) ListUsers(ctx context.Context) (_ []tousu.User, err error) {
	defer s.wrap(&err, "store.ListUsers")
	rows, err := s.e.Read.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
	return collect(rows, err, scanUser)
}

// CreateToken stores an API token's hash for an existing account. The foreign key finds
// the account: one statement, however many nodes.
func (s *Store) CreateToken(ctx context.Context, t tousu.Token) (err error) {
	defer s.wrap(&err, "store.CreateToken(%q)", t.Login)
	if !s.storable(t.Login) {
		return notFound("未找到该账号")
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO tokens (hash, login, created_at) VALUES (?, ?, ?)`,
			t.Hash, t.Login, millis(t.CreatedAt))
		switch {
		case err == nil:
			return nil
		case s.isUnique(err):
			return &tousu.Error{Kind: tousu.KindConflict, Message: "令牌已存在", Err: err}
		case s.e.IsForeignKey(err):
			return &tousu.Error{Kind: tousu.KindNotFound, Message: "未找到该账号", Err: err}
		}
		return err
	})
}

// FindToken returns the token with the hash.
func (s *Store) FindToken(ctx context.Context, hash string) (_ *tousu.Token, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer s.wrap(&err, "store.FindToken")
	if !s.storable(hash) {
		return nil, notFound("令牌无效")
	}
	var (
		t       tousu.Token
		created int64
	)
	err = s.e.Read.QueryRow(ctx, `SELECT hash, login, created_at FROM tokens WHERE hash = ?`, hash).
		Scan(&t.Hash, &t.Login, &created)
	if noRows(err) {
		return nil, notFound("令牌无效")
	}
	if err != nil {
		return nil, err
	}
	t.CreatedAt = fromMillis(created)
	return &t, nil
}

package sqlstore

import (
	"context"
	"strings"
	"time"

	"tousu"
)

const userColumns = `login, name, roles, unit, staff, password_hash, disabled, created_at, failed_logins, locked_until, epoch`

func scanUser(r Row) (tousu.User, error) {
	var (
		u               tousu.User
		roles           string
		created, locked int64
	)
	if err := r.Scan(&u.Login, &u.Name, &roles, &u.Unit, &u.Staff, &u.PasswordHash, &u.Disabled, &created,
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

// CreateUser inserts an account; an existing login fails with kind conflict. ON CONFLICT
// waits for a concurrent insert of the same login and then does nothing: the later of two
// creations is the conflict, on either engine.
func (s *Store) CreateUser(ctx context.Context, u *tousu.User) (err error) {
	defer s.wrap(&err, "store.CreateUser(%q)", u.Login)
	return s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (login) DO NOTHING`,
			u.Login, u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled, millis(u.CreatedAt),
			u.FailedLogins, zeroMillis(u.LockedUntil), u.Epoch)
		if err != nil {
			return err
		}
		if n == 0 {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "登录名已存在", Fields: map[string]string{"login": "登录名已存在"}}
		}
		return linkStaff(ctx, q, u.Login, u.Staff, u.CreatedAt)
	})
}

// linkStaff records that the account is linked to the badge; the history is never
// shortened, so that recusal follows the person.
func linkStaff(ctx context.Context, q Querier, login, badge string, at time.Time) error {
	if badge == "" {
		return nil
	}
	_, err := q.Exec(ctx, `INSERT INTO staff_links (login, badge, linked_at) VALUES (?, ?, ?)
		ON CONFLICT (login, badge) DO NOTHING`, login, badge, millis(at))
	return err
}

// staffHistory returns every badge each account (or the one login, when not "") was
// ever linked to.
func (s *Store) staffHistory(ctx context.Context, login string) (map[string][]string, error) {
	query, args := `SELECT login, badge FROM staff_links ORDER BY login, linked_at, badge`, []any{}
	if login != "" {
		query, args = `SELECT login, badge FROM staff_links WHERE login = ? ORDER BY linked_at, badge`, []any{login}
	}
	rows, err := s.e.Read.Query(ctx, query, args...)
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

// UpdateUser writes an account's name, roles, unit, staff, password hash, disabled flag,
// lockout (failed logins, locked until) and epoch, and records its badge in its staff
// history.
func (s *Store) UpdateUser(ctx context.Context, u *tousu.User) (err error) {
	defer s.wrap(&err, "store.UpdateUser(%q)", u.Login)
	if !s.storable(u.Login) {
		return notFound("未找到该账号")
	}
	return s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `UPDATE users SET name = ?, roles = ?, unit = ?, staff = ?, password_hash = ?, disabled = ?,
			failed_logins = ?, locked_until = ?, epoch = ? WHERE login = ?`,
			u.Name, joinRoles(u.Roles), u.Unit, u.Staff, u.PasswordHash, u.Disabled,
			u.FailedLogins, zeroMillis(u.LockedUntil), u.Epoch, u.Login)
		if err := affected(n, err, "未找到该账号"); err != nil {
			return err
		}
		return linkStaff(ctx, q, u.Login, u.Staff, time.Now())
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
	hist, err := s.staffHistory(ctx, u.Login)
	if err != nil {
		return nil, err
	}
	u.StaffHistory = hist[u.Login]
	return &u, nil
}

// ListUsers returns every account, by login, with its staff history.
func (s *Store) ListUsers(ctx context.Context) (_ []tousu.User, err error) {
	defer s.wrap(&err, "store.ListUsers")
	rows, err := s.e.Read.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
	out, err := collect(rows, err, scanUser)
	if err != nil {
		return nil, err
	}
	hist, err := s.staffHistory(ctx, "")
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].StaffHistory = hist[out[i].Login]
	}
	return out, nil
}

// CreateToken stores an API token's hash for an existing account. The foreign key finds
// the account: one statement, however many nodes.
func (s *Store) CreateToken(ctx context.Context, t tousu.Token) (err error) {
	defer s.wrap(&err, "store.CreateToken(%q)", t.Login)
	if !s.storable(t.Login) {
		return notFound("未找到该账号")
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO tokens (hash, login, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			t.Hash, t.Login, millis(t.CreatedAt), zeroMillis(t.ExpiresAt))
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
	t, err := scanToken(s.e.Read.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if noRows(err) {
		return nil, notFound("令牌无效")
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

const tokenColumns = `hash, login, created_at, expires_at`

func scanToken(r Row) (tousu.Token, error) {
	var (
		t                tousu.Token
		created, expires int64
	)
	if err := r.Scan(&t.Hash, &t.Login, &created, &expires); err != nil {
		return t, err
	}
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromZeroMillis(expires)
	return t, nil
}

// ListTokens returns the tokens of an account ("" for every account), newest first.
func (s *Store) ListTokens(ctx context.Context, login string) (_ []tousu.Token, err error) {
	defer s.wrap(&err, "store.ListTokens(%q)", login)
	if !s.storable(login) {
		return nil, nil
	}
	var rows Rows
	if login == "" {
		rows, err = s.e.Read.Query(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY created_at DESC, hash`)
	} else {
		rows, err = s.e.Read.Query(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE login = ? ORDER BY created_at DESC, hash`, login)
	}
	return collect(rows, err, scanToken)
}

// DeleteToken removes a token (revocation).
func (s *Store) DeleteToken(ctx context.Context, hash string) (err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer s.wrap(&err, "store.DeleteToken")
	if !s.storable(hash) {
		return notFound("令牌不存在")
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM tokens WHERE hash = ?`, hash)
		return affected(n, err, "令牌不存在")
	})
}

package sqlstore

import (
	"context"
	"strings"

	"tousu"
)

// tokenUserQuery reads a token, its account and the account's staff history in one
// statement: one row per badge ever linked (one row with a NULL badge for none), in the
// order of staffHistory.
var tokenUserQuery = `SELECT t.created_at, t.expires_at, ` + prefixed("u.", userColumns) + `, l.badge
	FROM tokens t JOIN users u ON u.login = t.login
	LEFT JOIN staff_links l ON l.login = u.login
	WHERE t.hash = ? ORDER BY l.linked_at, l.badge`

// prefixed is a column list with each column qualified by p.
func prefixed(p, cols string) string {
	fs := strings.Split(cols, ",")
	for i, f := range fs {
		fs[i] = p + strings.TrimSpace(f)
	}
	return strings.Join(fs, ", ")
}

// FindTokenUser returns the token with the hash and its account, StaffHistory filled, as
// FindToken and FindUser would, in one statement: what every API request reads to
// authenticate, so read fresh each time (a revoked token, a disabled account, a new role
// or badge count from the next request on, whichever node made the change).
func (s *Store) FindTokenUser(ctx context.Context, hash string) (_ *tousu.Token, _ *tousu.User, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer s.wrap(&err, "store.FindTokenUser")
	if !s.storable(hash) {
		return nil, nil, notFound("令牌无效")
	}
	rows, err := s.e.Read.Query(ctx, tokenUserQuery, hash)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var (
		t     *tousu.Token
		u     tousu.User
		badge *string
	)
	for rows.Next() {
		var (
			created, expires int64
			roles            string
			ucreated, locked int64
		)
		if err := rows.Scan(&created, &expires, &u.Login, &u.Name, &roles, &u.Unit, &u.Staff, &u.PasswordHash,
			&u.Disabled, &ucreated, &u.FailedLogins, &locked, &u.Epoch, &badge); err != nil {
			return nil, nil, err
		}
		if t == nil {
			t = &tousu.Token{Hash: hash, Login: u.Login, CreatedAt: fromMillis(created), ExpiresAt: fromZeroMillis(expires)}
			u.Roles = splitRoles(roles)
			u.CreatedAt = fromMillis(ucreated)
			u.LockedUntil = fromZeroMillis(locked)
		}
		if badge != nil {
			u.StaffHistory = append(u.StaffHistory, *badge)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if t == nil {
		return nil, nil, notFound("令牌无效")
	}
	return t, &u, nil
}

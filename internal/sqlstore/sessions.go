package sqlstore

import (
	"context"
	"time"
)

// FindSession returns the data and expiry of the session whose token hashes to hash. It
// returns a session even when it has expired: the store does not know the time, so the
// caller compares the expiry with its clock.
func (s *Store) FindSession(ctx context.Context, hash string) (_ []byte, _ time.Time, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer s.wrap(&err, "store.FindSession")
	if !s.storable(hash) {
		return nil, time.Time{}, notFound("会话不存在或已过期，请重新登录")
	}
	var (
		data   []byte
		expiry int64
	)
	err = s.e.Read.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE hash = ?`, hash).Scan(&data, &expiry)
	if noRows(err) {
		return nil, time.Time{}, notFound("会话不存在或已过期，请重新登录")
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	if data == nil {
		data = []byte{}
	}
	return data, fromMillis(expiry), nil
}

// PutSession inserts or replaces a session.
func (s *Store) PutSession(ctx context.Context, hash string, data []byte, expiry time.Time) (err error) {
	defer s.wrap(&err, "store.PutSession")
	if data == nil {
		data = []byte{}
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO sessions (hash, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			hash, data, millis(expiry))
		return err
	})
}

// DeleteSession removes a session; a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, hash string) (err error) {
	defer s.wrap(&err, "store.DeleteSession")
	if !s.storable(hash) {
		return nil // no session has that hash
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions whose expiry is before now and returns how
// many it removed. A session expiring exactly at now stays.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int, err error) {
	defer s.wrap(&err, "store.DeleteExpiredSessions(%d)", millis(now))
	err = s.e.One(ctx, func(ctx context.Context, q Querier) error {
		deleted, err := q.Exec(ctx, `DELETE FROM sessions WHERE expiry < ?`, millis(now))
		n = int(deleted)
		return err
	})
	return n, err
}

// GetSetting returns the value of a setting.
func (s *Store) GetSetting(ctx context.Context, key string) (_ string, err error) {
	defer s.wrap(&err, "store.GetSetting(%q)", key)
	if !s.storable(key) {
		return "", notFound("未找到该设置项")
	}
	var value string
	err = s.e.Read.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if noRows(err) {
		return "", notFound("未找到该设置项")
	}
	return value, err
}

// PutSetting inserts or replaces a setting.
func (s *Store) PutSetting(ctx context.Context, key, value string) (err error) {
	defer s.wrap(&err, "store.PutSetting(%q)", key)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// ListSettings returns every setting; an empty map when there are none.
func (s *Store) ListSettings(ctx context.Context) (_ map[string]string, err error) {
	defer s.wrap(&err, "store.ListSettings")
	rows, err := s.e.Read.Query(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]string)
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// FindSession returns the data and expiry of the session whose token hashes to hash. It
// returns a session even when it has expired: the store does not know the time, so the
// caller compares the expiry with its clock.
func (db *DB) FindSession(ctx context.Context, hash string) (_ []byte, _ time.Time, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer wrap(&err, "postgres.FindSession")
	if !storable(hash) {
		return nil, time.Time{}, notFound("会话不存在或已过期，请重新登录")
	}
	var (
		data   []byte
		expiry int64
	)
	err = db.pool.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE hash = $1`, hash).Scan(&data, &expiry)
	if errors.Is(err, pgx.ErrNoRows) {
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
func (db *DB) PutSession(ctx context.Context, hash string, data []byte, expiry time.Time) (err error) {
	defer wrap(&err, "postgres.PutSession")
	if data == nil {
		data = []byte{}
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO sessions (hash, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (hash) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`,
		hash, data, millis(expiry))
	return err
}

// DeleteSession removes a session; a missing one is not an error.
func (db *DB) DeleteSession(ctx context.Context, hash string) (err error) {
	defer wrap(&err, "postgres.DeleteSession")
	if !storable(hash) {
		return nil // no session has that hash
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return err
}

// DeleteExpiredSessions removes the sessions whose expiry is before now and returns how
// many it removed. A session expiring exactly at now stays.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "postgres.DeleteExpiredSessions(%d)", millis(now))
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < $1`, millis(now))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// GetSetting returns the value of a setting.
func (db *DB) GetSetting(ctx context.Context, key string) (_ string, err error) {
	defer wrap(&err, "postgres.GetSetting(%q)", key)
	if !storable(key) {
		return "", notFound("未找到该设置项")
	}
	var value string
	err = db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", notFound("未找到该设置项")
	}
	return value, err
}

// PutSetting inserts or replaces a setting.
func (db *DB) PutSetting(ctx context.Context, key, value string) (err error) {
	defer wrap(&err, "postgres.PutSetting(%q)", key)
	_, err = db.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, value)
	return err
}

// ListSettings returns every setting; an empty map when there are none.
func (db *DB) ListSettings(ctx context.Context) (_ map[string]string, err error) {
	defer wrap(&err, "postgres.ListSettings")
	rows, err := db.pool.Query(ctx, `SELECT key, value FROM settings`)
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

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tousu"
)

// FindSession returns the data and expiry of the session whose token hashes to hash. It
// returns a session even when it has expired: the store does not know the time, so the
// caller compares the expiry with its clock.
func (db *DB) FindSession(ctx context.Context, hash string) (_ []byte, _ time.Time, err error) {
	// The hash identifies a credential: it stays out of the error text.
	defer tousu.Wrap(&err, "sqlite.FindSession")
	var (
		data   []byte
		expiry int64
	)
	err = db.read.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE hash = ?`, hash).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
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
	defer tousu.Wrap(&err, "sqlite.PutSession")
	if data == nil {
		data = []byte{}
	}
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `INSERT INTO sessions (hash, data, expiry) VALUES (?, ?, ?)
			ON CONFLICT (hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			hash, data, millis(expiry))
		return err
	})
}

// DeleteSession removes a session; a missing one is not an error.
func (db *DB) DeleteSession(ctx context.Context, hash string) (err error) {
	defer tousu.Wrap(&err, "sqlite.DeleteSession")
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions whose expiry is before now and returns how
// many it removed. A session expiring exactly at now stays.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int, err error) {
	defer tousu.Wrap(&err, "sqlite.DeleteExpiredSessions(%d)", millis(now))
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `DELETE FROM sessions WHERE expiry < ?`, millis(now))
		if err != nil {
			return err
		}
		deleted, err := res.RowsAffected()
		n = int(deleted)
		return err
	})
	return n, err
}

// GetSetting returns the value of a setting.
func (db *DB) GetSetting(ctx context.Context, key string) (_ string, err error) {
	defer tousu.Wrap(&err, "sqlite.GetSetting(%q)", key)
	var value string
	err = db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("未找到该设置项")
	}
	return value, err
}

// PutSetting inserts or replaces a setting.
func (db *DB) PutSetting(ctx context.Context, key, value string) (err error) {
	defer tousu.Wrap(&err, "sqlite.PutSetting(%q)", key)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// ListSettings returns every setting; an empty map when there are none.
func (db *DB) ListSettings(ctx context.Context) (_ map[string]string, err error) {
	defer tousu.Wrap(&err, "sqlite.ListSettings")
	rows, err := db.read.QueryContext(ctx, `SELECT key, value FROM settings`)
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

package sqlite

import (
	"context"
	"os"

	"tousu"
)

// StartLock waits until no other process is starting on this database file and keeps the
// others waiting until release is called. Processes started together on a fresh file would
// each otherwise migrate it (goose takes no lock on SQLite, and the second CREATE TABLE
// fails), and each see no first admin and no demo and create them.
//
// The lock is an exclusive flock on PATH.lock beside the database, never on the database
// file itself: closing any other descriptor of that file would drop SQLite's own POSIX
// locks. The kernel releases it if the process dies.
func (db *DB) StartLock(ctx context.Context) (release func(), err error) {
	defer tousu.Wrap(&err, "sqlite.StartLock")
	f, err := os.OpenFile(db.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(ctx, f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		unlockFile(f)
		f.Close()
	}, nil
}

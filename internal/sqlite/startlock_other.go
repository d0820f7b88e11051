//go:build !unix

package sqlite

import (
	"context"
	"os"
)

// lockFile takes no lock where flock does not exist: there, start one process at a time.
func lockFile(ctx context.Context, f *os.File) error { return nil }

func unlockFile(f *os.File) {}

package pii

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// keyFileHeader warns whoever opens the key file by hand; ParseKeyRing skips it.
const keyFileHeader = `# tousu key ring: ID:BASE64KEY, one per line. The FIRST key seals new identities;
# the others only open older ones. Never remove a key while data sealed with it exists,
# and never remove the LAST key: blind indexes are derived from it.
`

// LoadOrCreateKeyFile reads the key ring at path, or, on a first start, creates the file with
// a fresh ring (created reports which). A lost key file makes every sealed identity unreadable,
// so creation is careful: the file is written to a temporary name, synced, and published with
// a link that fails rather than replace a file another process created meanwhile, and the
// directory is synced so the new name survives a power cut. The parent directories are created
// 0700 and the file 0600. A file that group or others may access is refused, because anyone
// who reads it can read every identity.
//
// Randomness comes from r (nil means crypto/rand.Reader) so that tests are deterministic.
func LoadOrCreateKeyFile(path string, r io.Reader) (_ *KeyRing, created bool, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("pii.LoadOrCreateKeyFile(%q): %w", path, err)
		}
	}()
	k, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	k, err = NewKeyRing(r)
	if err != nil {
		return nil, false, err
	}
	published, err := createKeyFile(path, []byte(keyFileHeader+k.Marshal()+"\n"))
	if err != nil {
		return nil, false, err
	}
	if !published {
		// Another process created the file between our read and our link: use its keys,
		// since it may already have sealed with them.
		k, err = readKeyFile(path)
		return k, false, err
	}
	return k, true, nil
}

func readKeyFile(path string) (*KeyRing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Stat the open file rather than the path, so the mode checked is that of the file read.
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%v)", st.Mode())
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("mode %04o lets group or others read the keys; run chmod 600 on it", perm)
	}
	text, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, err
	}
	return ParseKeyRing(string(text))
}

// createKeyFile writes data to path atomically without ever replacing an existing file. It
// reports false when path already existed.
func createKeyFile(path string, data []byte) (published bool, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, ".tousu-keys-*.tmp") // CreateTemp makes it 0600
	if err != nil {
		return false, err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the link, this removes only the temporary name
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return false, err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	// A link, unlike a rename, fails if path exists, so two processes starting at once cannot
	// overwrite each other's key.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		// Some file systems have no hard links; there a rename is the best we have, after
		// checking once more that no key file has appeared.
		if _, serr := os.Lstat(path); serr == nil {
			return false, nil
		}
		if err := os.Rename(tmpName, path); err != nil {
			return false, err
		}
	}
	if err := syncDir(dir); err != nil {
		return true, err
	}
	return true, nil
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ReadKeyFile reads the key ring at path, with the same checks as LoadOrCreateKeyFile, but
// never creates one: a server reloading its keys after a rotation must fail loudly when
// the file has gone, not invent a ring that opens nothing.
func ReadKeyFile(path string) (*KeyRing, error) {
	k, err := readKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("pii.ReadKeyFile(%q): %w", path, err)
	}
	return k, nil
}

// ReplaceKeyFile writes ring k over the key file at path, as a rotation does. k must hold
// every key of the ring in the file, so that nothing sealed before becomes unreadable and
// blind indexes stay as they are; otherwise the file is left alone. The new file is
// written to a temporary name, synced and renamed over the old one, and the directory
// synced, so that a crash leaves either the old ring or the new one, never half of either.
func ReplaceKeyFile(path string, k *KeyRing) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("pii.ReplaceKeyFile(%q): %w", path, err)
		}
	}()
	old, err := readKeyFile(path)
	if err != nil {
		return err
	}
	if !k.Contains(old) {
		return errors.New("the new ring lacks keys of the ring in the file; keys are never removed by a rotation")
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tousu-keys-*.tmp")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the rename, there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write([]byte(keyFileHeader + k.Marshal() + "\n")); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return err
	}
	return syncDir(dir)
}

package pii

import (
	"bytes"
	"testing"
)

// FuzzOpen checks that Open never panics and never accepts bytes Seal did not make for that
// aad: sealed values come from the database, which someone may have changed.
func FuzzOpen(f *testing.F) {
	k, err := ParseKeyRing("k2:" + key('b') + ",k1:" + key('a'))
	if err != nil {
		f.Fatal(err)
	}
	old, err := ParseKeyRing("k1:" + key('a'))
	if err != nil {
		f.Fatal(err)
	}
	good := k.Seal([]byte("张三"), "complaint/c1/name")
	f.Add(good, "complaint/c1/name")
	f.Add(old.Seal([]byte("13812345678"), "complaint/c1/phone"), "complaint/c1/phone")
	f.Add(good[:len(good)-1], "complaint/c1/name")
	f.Add(good[:4], "")
	f.Add([]byte{}, "")
	f.Add([]byte{1}, "")
	f.Add([]byte{1, 255, 'k'}, "")
	f.Add([]byte{2, 2, 'k', '2'}, "")
	f.Fuzz(func(t *testing.T, sealed []byte, aad string) {
		plain, err := k.Open(sealed, aad)
		_ = k.KeyID(sealed)
		if err != nil {
			if plain != nil {
				t.Errorf("Open returned %q with error %v", plain, err)
			}
			return
		}
		// Only a seed that is a genuine sealed value may open; anything else is a forgery.
		if !bytes.Equal(plain, []byte("张三")) && !bytes.Equal(plain, []byte("13812345678")) {
			t.Errorf("Open(%x, %q) = %q: accepted bytes Seal never made", sealed, aad, plain)
		}
	})
}

// FuzzParseKeyRing checks that the key ring parser, which reads an environment variable and a
// file, never panics, and that whatever it accepts survives a Marshal round trip.
func FuzzParseKeyRing(f *testing.F) {
	f.Add("k1:" + key('a'))
	f.Add("k2:" + key('b') + ",k1:" + key('a'))
	f.Add("# c\nk2:" + key('b') + "\n\nk1:" + key('a') + "\n")
	f.Add("k1:" + key('a') + ",k1:" + key('a'))
	f.Add(":,:\n#")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParseKeyRing(text)
		if err != nil {
			return
		}
		again, err := ParseKeyRing(k.Marshal())
		if err != nil {
			t.Fatalf("ParseKeyRing(Marshal()) of an accepted ring: %v", err)
		}
		if again.Marshal() != k.Marshal() {
			t.Errorf("Marshal round trip changed the ring")
		}
		if got, err := again.Open(k.Seal([]byte("x"), "a"), "a"); err != nil || string(got) != "x" {
			t.Errorf("round-tripped ring cannot open: %q, %v", got, err)
		}
	})
}

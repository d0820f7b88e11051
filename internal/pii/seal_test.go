package pii

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"tousu"
)

// testRing is a two-key ring as it looks after one rotation.
func testRing(t *testing.T) *KeyRing {
	t.Helper()
	return mustParse(t, "k2:"+key('b')+",k1:"+key('a'))
}

func TestSealOpen(t *testing.T) {
	k := testRing(t)
	tests := []struct {
		name      string
		plaintext []byte
		aad       string
	}{
		{"Chinese name", []byte("欧阳娜娜"), "complaint/0f3a/name"},
		{"phone", []byte("13812345678"), "complaint/0f3a/phone"},
		{"empty plaintext", nil, "complaint/0f3a/email"},
		{"empty aad", []byte("x"), ""},
		{"binary", bytes.Repeat([]byte{0, 1, 2, 0xff}, 300), "complaint/0f3a/address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := k.Seal(tt.plaintext, tt.aad)
			if got := k.KeyID(sealed); got != "k2" {
				t.Errorf("KeyID(Seal(...)) = %q, want the current key k2", got)
			}
			if want := 2 + len("k2") + 12 + len(tt.plaintext) + 16; len(sealed) != want {
				t.Errorf("len(Seal(%d bytes)) = %d, want %d", len(tt.plaintext), len(sealed), want)
			}
			got, err := k.Open(sealed, tt.aad)
			if err != nil {
				t.Fatalf("Open(Seal(%q, %q)): %v", tt.plaintext, tt.aad, err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open(Seal(%q)) = %q", tt.plaintext, got)
			}
		})
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := testRing(t)
	a := k.Seal([]byte("张三"), "complaint/1/name")
	b := k.Seal([]byte("张三"), "complaint/1/name")
	if bytes.Equal(a, b) {
		t.Errorf("Seal gave the same output twice; equal names would be visible in the database")
	}
}

func TestSealHidesPlaintext(t *testing.T) {
	k := testRing(t)
	for _, p := range []string{"欧阳娜娜", "13812345678", "110101199003071234", "北京市朝阳区建国路88号"} {
		sealed := k.Seal([]byte(p), "complaint/1/x")
		if bytes.Contains(sealed, []byte(p)) {
			t.Errorf("Seal(%q) contains the plaintext: %x", p, sealed)
		}
	}
}

func TestOpenFails(t *testing.T) {
	k := testRing(t)
	const aad = "complaint/c1/name"
	good := k.Seal([]byte("张三"), aad)
	flip := func(i int) []byte {
		b := slices.Clone(good)
		b[i] ^= 0x01
		return b
	}
	onlyOld := mustParse(t, "k1:"+key('a'))
	sameIDOtherKey := mustParse(t, "k2:"+key('c'))
	tests := []struct {
		name   string
		ring   *KeyRing
		sealed []byte
		aad    string
		want   error
	}{
		{"wrong aad: other complaint", k, good, "complaint/c2/name", ErrDecrypt},
		{"wrong aad: other field", k, good, "complaint/c1/address", ErrDecrypt},
		{"wrong aad: empty", k, good, "", ErrDecrypt},
		{"tampered last byte (tag)", k, flip(len(good) - 1), aad, ErrDecrypt},
		{"tampered ciphertext", k, flip(len(good) - 17), aad, ErrDecrypt},
		{"tampered nonce", k, flip(2 + 2), aad, ErrDecrypt},
		{"key ID changed to another key of the ring", k, append([]byte{1, 2, 'k', '1'}, good[4:]...), aad, ErrDecrypt},
		{"unknown key ID", k, append([]byte{1, 2, 'k', '9'}, good[4:]...), aad, ErrUnknownKey},
		{"key removed from the ring", onlyOld, good, aad, ErrUnknownKey},
		{"same ID, different key", sameIDOtherKey, good, aad, ErrDecrypt},
		{"nil", k, nil, aad, ErrMalformed},
		{"one byte", k, []byte{1}, aad, ErrMalformed},
		{"version 2", k, append([]byte{2}, good[1:]...), aad, ErrMalformed},
		{"version 0", k, append([]byte{0}, good[1:]...), aad, ErrMalformed},
		{"zero-length key ID", k, append([]byte{1, 0}, good[4:]...), aad, ErrMalformed},
		{"key ID longer than allowed", k, append([]byte{1, 17}, bytes.Repeat([]byte("k"), 40)...), aad, ErrMalformed},
		{"key ID past the end", k, []byte{1, 5, 'k', '2'}, aad, ErrMalformed},
		{"header only", k, good[:4], aad, ErrMalformed},
		{"nonce only", k, good[:4+12], aad, ErrMalformed},
		{"tag cut short", k, good[:len(good)-1], aad, ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(tt.sealed, tt.aad)
			if err == nil {
				t.Fatalf("Open(%x, %q) = %q, want error %v", tt.sealed, tt.aad, got, tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open(%x, %q) error = %v, want %v", tt.sealed, tt.aad, err, tt.want)
			}
			if got != nil {
				t.Errorf("Open(%x, %q) returned %q with its error, want nil", tt.sealed, tt.aad, got)
			}
		})
	}
}

func TestKeyID(t *testing.T) {
	k := testRing(t)
	tests := []struct {
		name   string
		sealed []byte
		want   string
	}{
		{"sealed", k.Seal([]byte("x"), ""), "k2"},
		{"sealed by an old key", mustParse(t, "k1:"+key('a')).Seal([]byte("x"), ""), "k1"},
		{"nil", nil, ""},
		{"not sealed", []byte("张三"), ""},
		{"truncated ID", []byte{1, 4, 'k'}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := k.KeyID(tt.sealed); got != tt.want {
				t.Errorf("KeyID(%x) = %q, want %q", tt.sealed, got, tt.want)
			}
		})
	}
}

func TestSealIdentity(t *testing.T) {
	k := testRing(t)
	tests := []struct {
		name       string
		c          tousu.Complainant
		fields     []string // the fields that must be sealed
		phoneIndex bool
		idIndex    bool
	}{
		{
			name: "everything",
			c: tousu.Complainant{Name: "欧阳娜娜", Phone: "13812345678", Email: "ouyang@example.com",
				IDNumber: "11010119900307123x", Organization: "北京某某科技有限公司", Address: "北京市朝阳区建国路88号"},
			fields:     []string{"address", "email", "id_number", "name", "organization", "phone"},
			phoneIndex: true, idIndex: true,
		},
		{
			name:   "name and phone",
			c:      tousu.Complainant{Name: "张三", Phone: "+86 138-1234-5678"},
			fields: []string{"name", "phone"}, phoneIndex: true,
		},
		{
			name:   "anonymous",
			c:      tousu.Complainant{Anonymous: true},
			fields: nil,
		},
		{
			name:   "anonymous with a contact phone",
			c:      tousu.Complainant{Anonymous: true, Phone: "010-6512 3456"},
			fields: []string{"phone"}, phoneIndex: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := k.SealIdentity("c1", tt.c)
			if got := slices.Sorted(maps.Keys(s.Fields)); !slices.Equal(got, tt.fields) {
				t.Errorf("sealed fields = %v, want %v", got, tt.fields)
			}
			if s.Anonymous != tt.c.Anonymous {
				t.Errorf("Anonymous = %v, want %v", s.Anonymous, tt.c.Anonymous)
			}
			if (s.PhoneIndex != "") != tt.phoneIndex {
				t.Errorf("PhoneIndex = %q, want one: %v", s.PhoneIndex, tt.phoneIndex)
			}
			if (s.IDNumberIndex != "") != tt.idIndex {
				t.Errorf("IDNumberIndex = %q, want one: %v", s.IDNumberIndex, tt.idIndex)
			}
			for f, sealed := range s.Fields {
				if v := tt.c.Field(f); bytes.Contains(sealed, []byte(v)) {
					t.Errorf("sealed %s contains its plaintext %q", f, v)
				}
			}
			got, err := k.OpenIdentity("c1", s)
			if err != nil {
				t.Fatalf("OpenIdentity: %v", err)
			}
			if got != tt.c {
				t.Errorf("OpenIdentity(SealIdentity(%+v)) = %+v", tt.c, got)
			}
		})
	}
}

func TestSealIdentityIndexes(t *testing.T) {
	k := testRing(t)
	a := k.SealIdentity("c1", tousu.Complainant{Phone: "13812345678", IDNumber: "11010119900307123X"})
	b := k.SealIdentity("c2", tousu.Complainant{Phone: "+86 138 1234 5678", IDNumber: " 11010119900307123x "})
	if a.PhoneIndex != b.PhoneIndex {
		t.Errorf("PhoneIndex differs for the same phone written two ways: %q, %q", a.PhoneIndex, b.PhoneIndex)
	}
	if a.IDNumberIndex != b.IDNumberIndex {
		t.Errorf("IDNumberIndex differs for the same ID number in two cases: %q, %q", a.IDNumberIndex, b.IDNumberIndex)
	}
	if a.PhoneIndex != k.PhoneIndex("138 1234 5678") {
		t.Errorf("SealIdentity's PhoneIndex differs from KeyRing.PhoneIndex, so searches would miss")
	}
	if a.PhoneIndex != k.BlindIndex("phone", NormalizePhone("13812345678")) {
		t.Errorf("SealIdentity's PhoneIndex differs from BlindIndex(\"phone\", NormalizePhone(…))")
	}
	if a.IDNumberIndex != k.BlindIndex("id_number", "11010119900307123X") {
		t.Errorf("SealIdentity's IDNumberIndex differs from BlindIndex(\"id_number\", …)")
	}
}

func TestOpenIdentityFails(t *testing.T) {
	k := testRing(t)
	c := tousu.Complainant{Name: "张三", Phone: "13812345678"}
	s := k.SealIdentity("c1", c)

	swapped := tousu.SealedIdentity{Fields: map[string][]byte{"name": s.Fields["phone"], "phone": s.Fields["name"]}}
	tests := []struct {
		name string
		id   string
		s    tousu.SealedIdentity
	}{
		{"another complaint's identity", "c2", s},
		{"fields swapped", "c1", swapped},
		{"garbage", "c1", tousu.SealedIdentity{Fields: map[string][]byte{"name": []byte("张三")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.OpenIdentity(tt.id, tt.s)
			if err == nil {
				t.Fatalf("OpenIdentity(%q, …) = %+v, want an error", tt.id, got)
			}
			if got != (tousu.Complainant{}) {
				t.Errorf("OpenIdentity returned %+v with its error, want nothing", got)
			}
			if strings.Contains(err.Error(), "张三") || strings.Contains(err.Error(), "13812345678") {
				t.Errorf("OpenIdentity error %q reveals the identity", err)
			}
		})
	}

	withFuture := tousu.SealedIdentity{Fields: maps.Clone(s.Fields)}
	withFuture.Fields["wechat"] = k.Seal([]byte("zhangsan"), "complaint/c1/wechat")
	if got, err := k.OpenIdentity("c1", withFuture); err != nil || got.Name != "张三" {
		t.Errorf("OpenIdentity with an unknown field = %+v, %v; want it ignored", got, err)
	}
}

func TestBlindIndex(t *testing.T) {
	k := testRing(t)
	other := mustParse(t, "k3:"+key('c'))
	sameOldest := mustParse(t, "k9:"+key('z')+",k1:"+key('a'))
	idx := k.BlindIndex("phone", "13812345678")
	tests := []struct {
		name string
		got  string
		same bool
	}{
		{"repeated", k.BlindIndex("phone", "13812345678"), true},
		{"ring with the same oldest key", sameOldest.BlindIndex("phone", "13812345678"), true},
		{"other value", k.BlindIndex("phone", "13812345679"), false},
		{"other kind", k.BlindIndex("id_number", "13812345678"), false},
		{"kind and value shifted", k.BlindIndex("phone1", "3812345678"), false},
		{"other ring", other.BlindIndex("phone", "13812345678"), false},
	}
	if len(idx) != 32 || strings.Trim(idx, "0123456789abcdef") != "" {
		t.Errorf("BlindIndex = %q, want 32 hex characters", idx)
	}
	if strings.Contains(idx, "13812345678") {
		t.Errorf("BlindIndex = %q contains the value", idx)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.got == idx) != tt.same {
				t.Errorf("BlindIndex = %q, first %q; want equal: %v", tt.got, idx, tt.same)
			}
		})
	}
	if got := k.BlindIndex("phone", ""); got != "" {
		t.Errorf(`BlindIndex("phone", "") = %q, want "" so that absent values never match`, got)
	}
	if got := k.PhoneIndex("无"); got != "" {
		t.Errorf(`PhoneIndex("无") = %q, want "" (no digits)`, got)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"0086 138 1234 5678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"(010) 6512-3456", "01065123456"},
		{"010-65123456", "01065123456"},
		{"+86 10 6512 3456", "861065123456"}, // not a mobile: the 86 could be part of the number
		{"86123", "86123"},
		{"无", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizePhone(tt.in); got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeIDNumber(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"11010119900307123x", "11010119900307123X"},
		{" 110101199003071234\n", "110101199003071234"},
		{"e12345678", "E12345678"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeIDNumber(tt.in); got != tt.want {
			t.Errorf("NormalizeIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The ring is shared by every request; run with -race.
func TestKeyRingConcurrentUse(t *testing.T) {
	k := testRing(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			c := tousu.Complainant{Name: "张三", Phone: "13812345678"}
			for i := range 200 {
				id := string(rune('a'+g)) + string(rune('a'+i%26))
				got, err := k.OpenIdentity(id, k.SealIdentity(id, c))
				if err != nil || got != c {
					t.Errorf("goroutine %d: OpenIdentity = %+v, %v", g, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkSealIdentity(b *testing.B) {
	k, err := ParseKeyRing("k2:" + key('b') + ",k1:" + key('a'))
	if err != nil {
		b.Fatal(err)
	}
	c := tousu.Complainant{Name: "欧阳娜娜", Phone: "13812345678", IDNumber: "110101199003071234", Address: "北京市朝阳区建国路88号"}
	for b.Loop() {
		k.SealIdentity("0f3a9c", c)
	}
}

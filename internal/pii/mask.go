package pii

import (
	"strings"
	"unicode/utf8"

	"tousu"
)

// Masking shows staff without the right to see an identity just enough to tell two
// complainants apart on a list, and never enough to identify one. Every function trims
// surrounding space, returns "" for "", and works on runes, so Chinese text is never cut
// inside a character.

// Mask returns c with every identity field masked, for staff who may not see identities
// (handlers, leaders). Anonymous is kept because whether someone chose anonymity is not
// itself identifying and changes how a complaint is handled.
func Mask(c tousu.Complainant) tousu.Complainant {
	return tousu.Complainant{
		Name:         MaskName(c.Name),
		Phone:        MaskPhone(c.Phone),
		Email:        MaskEmail(c.Email),
		IDNumber:     MaskIDNumber(c.IDNumber),
		Organization: MaskOrganization(c.Organization),
		Address:      MaskAddress(c.Address),
		Anonymous:    c.Anonymous,
	}
}

// MaskName keeps the first character (usually the surname) and replaces each other one with
// *, the common Chinese practice (张三 → 张*), so that staff can address a complainant
// politely without learning who it is. A one-character name becomes "*".
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// MaskPhone shows a mainland mobile number as 138****5678, the form people recognise from
// bank and delivery notices, so that a complainant on the phone can confirm "尾号5678".
// Anything else (landlines, foreign numbers) keeps at most its first 3 and last 2 characters,
// and never more than half of them.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	if d := NormalizePhone(s); len(d) == 11 && d[0] == '1' {
		return d[:3] + "****" + d[7:]
	}
	return maskMiddle(s, 3, 2)
}

// MaskIDNumber keeps the first 4 characters (the province and city of issue) and the last 4,
// as 1101**********1234, hiding the birth date and sequence. Shorter numbers (15-digit IDs,
// passports) show at most half their characters.
func MaskIDNumber(s string) string {
	return maskMiddle(strings.TrimSpace(s), 4, 4)
}

// MaskEmail keeps the first character of the mailbox and the domain, as z***@example.com,
// with a fixed three stars so that the mailbox's length is not revealed either.
func MaskEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	local, domain, ok := cutLast(s, "@")
	if !ok {
		return firstRune(s) + "***"
	}
	return firstRune(local) + "***@" + domain
}

// MaskAddress keeps the first 6 characters, typically the province, city and district
// (北京市朝阳区****), enough to see where a complaint comes from but not the street. An
// address of 6 characters or fewer keeps only its first half, since it would otherwise be
// shown whole.
func MaskAddress(s string) string { return maskPrefix(s, 6, "****") }

// MaskOrganization keeps the first 2 characters (北京***), which hints at the kind of employer
// without naming it; a name of 2 characters or fewer keeps only its first half.
func MaskOrganization(s string) string { return maskPrefix(s, 2, "***") }

// maskPrefix keeps the first keep runes and appends a fixed tail, so that the length of what
// is hidden is not revealed. When s is not longer than keep, it keeps half of s instead.
func maskPrefix(s string, keep int, tail string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	if len(r) <= keep {
		keep = len(r) / 2
	}
	return string(r[:keep]) + tail
}

// maskMiddle keeps up to head runes at the front and tail at the back and stars the rest one
// for one. Short values give up shown characters, from whichever end shows more (the back on a
// tie), until at most half of the value is shown: whatever the length, at least half stays hidden.
func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	n := len(r)
	if n == 0 {
		return ""
	}
	for head+tail > n/2 {
		if head > tail {
			head--
		} else {
			tail--
		}
	}
	return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
}

func firstRune(s string) string {
	_, size := utf8.DecodeRuneInString(s)
	return s[:size]
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

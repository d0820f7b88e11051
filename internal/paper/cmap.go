package paper

import (
	"encoding/binary"
	"errors"
	"strings"
	"sync"
)

// missing stands for a character the font has no glyph for. fpdf would print nothing
// there (and panics on characters beyond the Basic Multilingual Plane): a name with a
// rare character must not lose it silently on a form someone signs, so it shows as □
// and can be written in by hand.
const missing = '□'

// substitutes are marks outside GB2312 that tousu itself writes (a unit's path is
// "区中心 › 社保窗口") or that are typed often, and what prints in their place.
var substitutes = map[rune]rune{'›': '/', '‹': '/', '»': '/', '«': '/', '–': '-', '•': '·', '\u00a0': ' ',
	'‘': '“', '’': '”', '\u2009': ' ', '\u200b': ' '}

// glyphs is the set of characters the embedded font draws, read from its cmap.
var glyphs = sync.OnceValues(func() (map[rune]bool, error) {
	ttf, err := song()
	if err != nil {
		return nil, err
	}
	return readCmap(ttf)
})

// printable replaces the characters the font cannot draw with □. Control characters
// other than the line break go as well.
func printable(s string) string {
	has, err := glyphs()
	if err != nil {
		return s
	}
	ok := true
	for _, r := range s {
		if r != '\n' && !has[r] {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if sub, ok := substitutes[r]; ok && !has[r] {
			r = sub
		}
		switch {
		case r == '\n' || has[r]:
			b.WriteRune(r)
		case r == '\t' || r == '\r':
			b.WriteRune(' ')
		case r < 0x20 || r == 0x7f || r == 0xfeff:
		default:
			b.WriteRune(missing)
		}
	}
	return b.String()
}

// readCmap reads the Unicode (platform 3, encoding 1, format 4) character map of a
// TrueType font: the characters with a glyph other than .notdef.
func readCmap(ttf []byte) (map[rune]bool, error) {
	be := binary.BigEndian
	bad := errors.New("paper.readCmap: no Unicode cmap of format 4")
	if len(ttf) < 12 {
		return nil, bad
	}
	var cmap []byte
	for i, n := 0, int(be.Uint16(ttf[4:])); i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, bad
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			off, length := int(be.Uint32(ttf[rec+8:])), int(be.Uint32(ttf[rec+12:]))
			if off+length > len(ttf) {
				return nil, bad
			}
			cmap = ttf[off : off+length]
		}
	}
	if len(cmap) < 4 {
		return nil, bad
	}
	for i, n := 0, int(be.Uint16(cmap[2:])); i < n; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			break
		}
		platform, encoding, off := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:]), int(be.Uint32(cmap[rec+4:]))
		if platform != 3 || encoding != 1 || off+14 > len(cmap) || be.Uint16(cmap[off:]) != 4 {
			continue
		}
		t := cmap[off:]
		segs := int(be.Uint16(t[6:])) / 2
		if 16+8*segs > len(t) {
			return nil, bad
		}
		ends, starts := t[14:], t[16+2*segs:]
		deltas, ranges := t[16+4*segs:], t[16+6*segs:]
		has := map[rune]bool{}
		for s := 0; s < segs; s++ {
			end, start := int(be.Uint16(ends[2*s:])), int(be.Uint16(starts[2*s:]))
			delta, ro := int(be.Uint16(deltas[2*s:])), int(be.Uint16(ranges[2*s:]))
			for c := start; c <= end && c < 0xFFFF; c++ {
				g := 0
				if ro == 0 {
					g = (c + delta) & 0xFFFF
				} else {
					at := 16 + 6*segs + 2*s + ro + 2*(c-start)
					if at+2 > len(t) {
						continue
					}
					if g = int(be.Uint16(t[at:])); g != 0 {
						g = (g + delta) & 0xFFFF
					}
				}
				if g != 0 {
					has[rune(c)] = true
				}
			}
		}
		return has, nil
	}
	return nil, bad
}

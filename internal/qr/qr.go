// Package qr encodes text as a QR code (ISO/IEC 18004) and draws it as SVG, for the
// tracking link printed on receipts and for any other page that needs one. It encodes in
// byte mode at error-correction level M, versions 1 to 10 (up to 213 bytes): enough for
// any link tousu prints, with no dependency.
package qr

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"
)

// ErrTooLong is returned for text longer than version 10 holds at level M.
var ErrTooLong = errors.New("qr: text too long (at most 213 bytes)")

// Code is an encoded QR code: Size×Size modules, true for dark.
type Code struct {
	Size    int
	Version int
	Mask    int
	modules [][]bool
}

// Dark reports whether the module at column x, row y is dark.
func (c *Code) Dark(x, y int) bool { return c.modules[y][x] }

// blockSpec is the block structure of one version at level M: each block's error
// correction codewords, and the number of blocks of each data length.
type blockSpec struct {
	ec     int
	groups [][2]int // {blocks, data codewords per block}
}

// specs are versions 1–10 at level M (ISO/IEC 18004, table 9).
var specs = [11]blockSpec{
	1:  {10, [][2]int{{1, 16}}},
	2:  {16, [][2]int{{1, 28}}},
	3:  {26, [][2]int{{1, 44}}},
	4:  {18, [][2]int{{2, 32}}},
	5:  {24, [][2]int{{2, 43}}},
	6:  {16, [][2]int{{4, 27}}},
	7:  {18, [][2]int{{4, 31}}},
	8:  {22, [][2]int{{2, 38}, {2, 39}}},
	9:  {22, [][2]int{{3, 36}, {2, 37}}},
	10: {26, [][2]int{{4, 43}, {1, 44}}},
}

// alignment are the centres of the alignment patterns of each version.
var alignment = [11][]int{
	2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

func (s blockSpec) dataCodewords() int {
	n := 0
	for _, g := range s.groups {
		n += g[0] * g[1]
	}
	return n
}

// Encode encodes text in the smallest version that holds it, with the mask that
// scores best by the standard's penalty rules.
func Encode(text string) (*Code, error) {
	best := (*Code)(nil)
	bestScore := 0
	for mask := range 8 {
		c, err := EncodeMask(text, mask)
		if err != nil {
			return nil, err
		}
		if s := c.penalty(); best == nil || s < bestScore {
			best, bestScore = c, s
		}
	}
	return best, nil
}

// EncodeMask encodes text with the given mask pattern (0–7).
func EncodeMask(text string, mask int) (*Code, error) {
	if mask < 0 || mask > 7 {
		return nil, fmt.Errorf("qr: mask %d out of range", mask)
	}
	data := []byte(text)
	version := 0
	for v := 1; v <= 10; v++ {
		countBits := 8
		if v >= 10 {
			countBits = 16
		}
		if 4+countBits+8*len(data) <= 8*specs[v].dataCodewords() {
			version = v
			break
		}
	}
	if version == 0 {
		return nil, ErrTooLong
	}
	c := &Code{Version: version, Size: 17 + 4*version, Mask: mask}
	c.modules = make([][]bool, c.Size)
	function := make([][]bool, c.Size)
	for i := range c.modules {
		c.modules[i] = make([]bool, c.Size)
		function[i] = make([]bool, c.Size)
	}
	c.drawFunctionPatterns(function)
	c.drawCodewords(function, interleave(version, codewords(version, data)))
	for y := range c.Size {
		for x := range c.Size {
			if !function[y][x] && masked(mask, x, y) {
				c.modules[y][x] = !c.modules[y][x]
			}
		}
	}
	c.drawFormat(function)
	return c, nil
}

// codewords are the data codewords: byte mode, the length, the bytes, a terminator and
// padding to the version's capacity.
func codewords(version int, data []byte) []byte {
	capacity := specs[version].dataCodewords()
	var bits []bool
	put := func(v, n int) {
		for i := n - 1; i >= 0; i-- {
			bits = append(bits, v>>i&1 == 1)
		}
	}
	put(0b0100, 4)
	if version >= 10 {
		put(len(data), 16)
	} else {
		put(len(data), 8)
	}
	for _, b := range data {
		put(int(b), 8)
	}
	put(0, min(4, capacity*8-len(bits)))
	for len(bits)%8 != 0 {
		bits = append(bits, false)
	}
	out := make([]byte, 0, capacity)
	for i := 0; i < len(bits); i += 8 {
		var b byte
		for j := range 8 {
			if bits[i+j] {
				b |= 1 << (7 - j)
			}
		}
		out = append(out, b)
	}
	for pad := byte(0xEC); len(out) < capacity; pad ^= 0xEC ^ 0x11 {
		out = append(out, pad)
	}
	return out
}

// interleave splits the data into the version's blocks, adds each block's error
// correction and interleaves them as the symbol carries them.
func interleave(version int, data []byte) []byte {
	spec := specs[version]
	div := rsDivisor(spec.ec)
	var blocks, ecs [][]byte
	for _, g := range spec.groups {
		for range g[0] {
			blocks = append(blocks, data[:g[1]])
			ecs = append(ecs, rsRemainder(data[:g[1]], div))
			data = data[g[1]:]
		}
	}
	var out []byte
	for i := 0; ; i++ {
		took := false
		for _, b := range blocks {
			if i < len(b) {
				out = append(out, b[i])
				took = true
			}
		}
		if !took {
			break
		}
	}
	for i := range spec.ec {
		for _, e := range ecs {
			out = append(out, e[i])
		}
	}
	return out
}

// gfMul multiplies in GF(2^8) modulo x^8+x^4+x^3+x^2+1.
func gfMul(x, y byte) byte {
	var z int
	for i := 7; i >= 0; i-- {
		z = (z << 1) ^ ((z >> 7) * 0x11D)
		z ^= int(y>>i&1) * int(x)
	}
	return byte(z)
}

// rsDivisor is the generator polynomial of degree n, leading coefficient dropped.
func rsDivisor(n int) []byte {
	out := make([]byte, n)
	out[n-1] = 1
	root := byte(1)
	for range n {
		for j := range n {
			out[j] = gfMul(out[j], root)
			if j+1 < n {
				out[j] ^= out[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return out
}

// rsRemainder is the error correction of data.
func rsRemainder(data, div []byte) []byte {
	out := make([]byte, len(div))
	for _, b := range data {
		factor := b ^ out[0]
		copy(out, out[1:])
		out[len(out)-1] = 0
		for i := range out {
			out[i] ^= gfMul(div[i], factor)
		}
	}
	return out
}

func (c *Code) set(function [][]bool, x, y int, dark bool) {
	c.modules[y][x] = dark
	function[y][x] = true
}

func (c *Code) drawFunctionPatterns(function [][]bool) {
	n := c.Size
	for i := range n {
		c.set(function, 6, i, i%2 == 0)
		c.set(function, i, 6, i%2 == 0)
	}
	for _, p := range [][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := p[0]+dx, p[1]+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				d := max(abs(dx), abs(dy))
				c.set(function, x, y, d != 2 && d != 4)
			}
		}
	}
	pos := alignment[c.Version]
	last := len(pos) - 1
	for i, cy := range pos {
		for j, cx := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					c.set(function, cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	c.drawFormat(function) // reserves the format areas; drawn again once masked
	if c.Version >= 7 {
		rem := c.Version
		for range 12 {
			rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
		}
		bits := c.Version<<12 | rem
		for i := range 18 {
			dark := bits>>i&1 == 1
			a, b := n-11+i%3, i/3
			c.set(function, a, b, dark)
			c.set(function, b, a, dark)
		}
	}
}

// drawFormat draws the format information (level M, the mask) in both copies, and the
// dark module.
func (c *Code) drawFormat(function [][]bool) {
	const levelM = 0
	data := levelM<<3 | c.Mask
	rem := data
	for range 10 {
		rem = (rem << 1) ^ ((rem >> 9) * 0x537)
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>i&1 == 1 }
	n := c.Size
	for i := 0; i <= 5; i++ {
		c.set(function, 8, i, bit(i))
	}
	c.set(function, 8, 7, bit(6))
	c.set(function, 8, 8, bit(7))
	c.set(function, 7, 8, bit(8))
	for i := 9; i < 15; i++ {
		c.set(function, 14-i, 8, bit(i))
	}
	for i := range 8 {
		c.set(function, n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		c.set(function, 8, n-15+i, bit(i))
	}
	c.set(function, 8, n-8, true)
}

// drawCodewords places the codewords in the zig-zag of two-module columns, from the
// bottom right, skipping the function patterns and the vertical timing column.
func (c *Code) drawCodewords(function [][]bool, data []byte) {
	n := c.Size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for vert := range n {
			for j := range 2 {
				x := right - j
				y := vert
				if (right+1)&2 == 0 {
					y = n - 1 - vert
				}
				if !function[y][x] && i < len(data)*8 {
					c.modules[y][x] = data[i>>3]>>(7-i&7)&1 == 1
					i++
				}
			}
		}
	}
}

func masked(mask, x, y int) bool {
	switch mask {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	}
	return ((x+y)%2+x*y%3)%2 == 0
}

// penalty scores the symbol by the standard's four rules (runs, 2×2 blocks, finder-like
// patterns, balance): the lower, the easier to read.
func (c *Code) penalty() int {
	n := c.Size
	score := 0
	line := func(get func(i int) bool) {
		run := 1
		for i := 1; i <= n; i++ {
			if i < n && get(i) == get(i-1) {
				run++
				continue
			}
			if run >= 5 {
				score += 3 + run - 5
			}
			run = 1
		}
		for i := 0; i+11 <= n; i++ {
			var pat [11]bool
			for k := range 11 {
				pat[k] = get(i + k)
			}
			core := pat[0] && !pat[1] && pat[2] && pat[3] && pat[4] && !pat[5] && pat[6]
			if core && !pat[7] && !pat[8] && !pat[9] && !pat[10] {
				score += 40
			}
			core2 := pat[4] && !pat[5] && pat[6] && pat[7] && pat[8] && !pat[9] && pat[10]
			if core2 && !pat[0] && !pat[1] && !pat[2] && !pat[3] {
				score += 40
			}
		}
	}
	dark := 0
	for y := range n {
		line(func(i int) bool { return c.modules[y][i] })
		line(func(i int) bool { return c.modules[i][y] })
		for x := range n {
			if c.modules[y][x] {
				dark++
			}
			if x+1 < n && y+1 < n {
				v := c.modules[y][x]
				if c.modules[y][x+1] == v && c.modules[y+1][x] == v && c.modules[y+1][x+1] == v {
					score += 3
				}
			}
		}
	}
	total := n * n
	k := (abs(dark*20-total*10) + total - 1) / total
	score += max(0, k-1) * 10
	return score
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// SVG draws text as a QR code in SVG, each module scale pixels, with the quiet zone of
// four modules the standard asks for. The drawing is one path of dark squares on white.
func SVG(text string, scale int) (string, error) {
	c, err := Encode(text)
	if err != nil {
		return "", err
	}
	return c.SVG(scale), nil
}

// SVG draws the code; see the function SVG.
func (c *Code) SVG(scale int) string {
	if scale < 1 {
		scale = 1
	}
	const quiet = 4
	side := c.Size + 2*quiet
	var b strings.Builder
	px := strconv.Itoa(side * scale)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="二维码" width="` + px +
		`" height="` + px + `" viewBox="0 0 ` + strconv.Itoa(side) + " " + strconv.Itoa(side) +
		`" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y := range c.Size {
		for x := range c.Size {
			if c.modules[y][x] {
				b.WriteString("M" + strconv.Itoa(x+quiet) + " " + strconv.Itoa(y+quiet) + "h1v1h-1z")
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

// Image draws the code as a grey-scale image, each module scale pixels, with the same quiet
// zone of four modules as SVG: for documents that embed a raster, such as the PDF receipt.
func (c *Code) Image(scale int) image.Image {
	if scale < 1 {
		scale = 1
	}
	const quiet = 4
	side := (c.Size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := range c.Size {
		for x := range c.Size {
			if !c.modules[y][x] {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+quiet)*scale+dx, (y+quiet)*scale+dy, color.Gray{})
				}
			}
		}
	}
	return img
}

// String draws the code as text, "#" dark and "." light, one row a line (for tests).
func (c *Code) String() string {
	var b strings.Builder
	for y := range c.Size {
		for x := range c.Size {
			if c.modules[y][x] {
				b.WriteByte('#')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

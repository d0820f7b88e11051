package qr

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGolden compares whole symbols, module by module, with those of an independent
// encoder (testdata/case*.txt: text, mask, version, then the rows), so that the format
// and version information, the interleaving and the placement are those of the standard.
// The cases were made with Debian's python3-qrcode 7.4.2 in byte mode, level M, the mask
// fixed (the second line of each file).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/case*.txt")
	if len(files) == 0 {
		t.Fatal("no golden cases in testdata")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
		text, want := lines[0], strings.Join(lines[3:], "\n")+"\n"
		mask, _ := strconv.Atoi(lines[1])
		version, _ := strconv.Atoi(lines[2])
		c, err := EncodeMask(text, mask)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if c.Version != version {
			t.Errorf("%s: version %d, want %d", f, c.Version, version)
		}
		if got := c.String(); got != want {
			t.Errorf("%s: symbol differs\ngot:\n%swant:\n%s", f, got, want)
		}
	}
}

func TestTooLong(t *testing.T) {
	if _, err := Encode(strings.Repeat("x", 213)); err != nil {
		t.Errorf("213 bytes: %v", err)
	}
	if _, err := Encode(strings.Repeat("x", 214)); err != ErrTooLong {
		t.Errorf("214 bytes: %v, want ErrTooLong", err)
	}
}

// TestDecodes reads the symbols back with zbarimg (Debian's zbar-tools), when the machine
// has it: what a phone's camera would do.
func TestDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools): decoding not checked")
	}
	for _, text := range []string{
		"http://127.0.0.1:8080/track?number=TS20260130-0001",
		"https://ts.example.gov.cn/track?number=TS20261207-0042",
		strings.Repeat("0123456789", 20),
	} {
		c, err := Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "qr.png")
		writePNG(t, c, path)
		out, err := exec.Command(zbar, "--quiet", "--raw", path).Output()
		if err != nil {
			t.Fatalf("zbarimg could not read %q (version %d, mask %d): %v", text, c.Version, c.Mask, err)
		}
		if got := strings.TrimRight(string(out), "\n"); got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
}

func writePNG(t *testing.T, c *Code, path string) {
	t.Helper()
	const scale, quiet = 8, 4
	side := (c.Size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			mx, my := x/scale-quiet, y/scale-quiet
			v := color.Gray{Y: 255}
			if mx >= 0 && my >= 0 && mx < c.Size && my < c.Size && c.Dark(mx, my) {
				v = color.Gray{Y: 0}
			}
			img.SetGray(x, y, v)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSVG(t *testing.T) {
	svg, err := SVG("https://ts.example.gov.cn/track?number=TS20261207-0042", 4)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(svg, "<svg ") || !strings.Contains(svg, `viewBox="0 0 41 41"`) || !strings.HasSuffix(svg, "</svg>") {
		t.Errorf("SVG = %.200s…", svg)
	}
}

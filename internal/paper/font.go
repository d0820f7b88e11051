package paper

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sync"
)

// songTTF is AR PL SungtiL GB (gbsn00lp.ttf, Arphic Public License, see font/ARPHICPL.TXT),
// the Song face of Debian's fonts-arphic-gbsn00lp, gzip-compressed verbatim: 5.2 MB as a
// TrueType file, 2.3 MB compressed. It is embedded so that a fresh machine prints Chinese
// forms with nothing installed; each PDF carries only the glyphs it uses.
//
//go:embed font/gbsn00lp.ttf.gz
var songTTF []byte

// song is the font decompressed once, on the first form printed.
var song = sync.OnceValues(func() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(songTTF))
	if err != nil {
		return nil, fmt.Errorf("paper.song: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("paper.song: %w", err)
	}
	return b, nil
})

// FontName is the name of the embedded face as PDF readers report it.
const FontName = "AR PL SungtiL GB"

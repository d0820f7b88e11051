package tousu

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"unicode/utf8"
)

// ChainHash is the hash of an audit record in the chain: SHA-256 over the previous
// record's hash and the record's canonical form (ID, time in Unix milliseconds, actor,
// action, object, client, detail). Stores set it when they append; the verifier
// recomputes it. The first record's previous hash is "".
//
// The canonical form is JSON while every text field is valid UTF-8. JSON turns each byte
// that is not UTF-8 into U+FFFD, so two records differing only in such bytes would share
// a hash and a swapped byte would go unseen: a record holding any is hashed over its exact
// bytes instead (a form JSON never produces, so the two cannot collide). The use cases
// store only valid UTF-8; the exact form catches bytes put in behind their back.
func ChainHash(prev string, r AuditRecord) string {
	fields := []string{r.Actor, r.Action, r.Object, r.Client, r.Detail}
	exact := false
	for _, f := range fields {
		exact = exact || !utf8.ValidString(f)
	}
	var canon []byte
	if !exact {
		canon, _ = json.Marshal([]any{r.ID, r.At.UnixMilli(), r.Actor, r.Action, r.Object, r.Client, r.Detail})
	} else {
		canon = append(canon, "\x00exact"...)
		canon = binary.BigEndian.AppendUint64(canon, uint64(r.ID))
		canon = binary.BigEndian.AppendUint64(canon, uint64(r.At.UnixMilli()))
		for _, f := range fields {
			canon = binary.BigEndian.AppendUint64(canon, uint64(len(f)))
			canon = append(canon, f...)
		}
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

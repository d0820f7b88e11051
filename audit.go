package tousu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// ChainHash is the hash of an audit record in the chain: SHA-256 over the previous
// record's hash and the record's canonical form (ID, time in Unix milliseconds, actor,
// action, object, client, detail). Stores set it when they append; the verifier
// recomputes it. The first record's previous hash is "".
func ChainHash(prev string, r AuditRecord) string {
	canon, _ := json.Marshal([]any{r.ID, r.At.UnixMilli(), r.Actor, r.Action, r.Object, r.Client, r.Detail})
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// Package notify delivers tousu's notifications and words them: the senders for the
// channels of DESIGN §5 (SMTP e-mail, an SMS gateway webhook, a generic signed webhook for
// other systems) and the Chinese message templates that admins may edit.
//
// The outbox itself — which messages a change causes, when they are retried, when they
// are given up — is the use cases' (internal/app): this package only sends one message
// when asked and says whether trying again could help.
//
// Delivery is at least once, not exactly once. The outbox marks a message sent right after
// its sender returns, so a crash between the two sends it again on the next claim. Every
// sender therefore carries a key that stays the same across retries: the e-mail's
// Message-ID, and the Idempotency-Key and X-Tousu-Delivery headers of the webhooks, so
// that a receiver can drop the duplicate.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Outgoing is one message ready to send: opened, addressed and worded.
type Outgoing struct {
	// ID is the outbox message's ID: the same on every retry, hence the idempotency key.
	ID int64
	// To is the e-mail address or the mobile number; "" for the generic webhook.
	To      string
	Subject string
	Body    string
	// Event names what happened, for the webhook's X-Tousu-Event header.
	Event string
	// CreatedAt is when the message was written to the outbox: the e-mail's Date and part
	// of its Message-ID.
	CreatedAt time.Time
}

// Sender sends one message over one channel. An error wrapped by Permanent says that
// trying again cannot help (a rejected address, a refused request); any other error is
// worth a retry.
type Sender interface {
	Send(ctx context.Context, m Outgoing) error
}

// permanentError marks an error that a retry will not fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that trying again cannot fix.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// idempotencyKey is the key that stays the same across retries of message id, created at
// created: outbox IDs restart in a fresh database, their creation instants do not.
func idempotencyKey(id int64, created time.Time) string {
	return fmt.Sprintf("tousu-%d-%d", id, created.UnixMilli())
}

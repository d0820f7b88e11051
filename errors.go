// Package tousu is the domain of the complaint-intake and conduct-supervision system: the
// types, the lifecycle table, validation, error kinds and the Store interface. It does no
// I/O; storage, HTTP and jobs are adapters in internal/ that speak these types.
package tousu

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind classifies an error so that adapters can map it without inspecting text.
type ErrorKind string

// The error kinds. Each maps to one HTTP status in internal/web.
const (
	KindInvalid      ErrorKind = "invalid"            // a field is wrong (422)
	KindMalformed    ErrorKind = "malformed"          // the request cannot be read (400)
	KindNotFound     ErrorKind = "not_found"          // 404
	KindConflict     ErrorKind = "conflict"           // 409
	KindTransition   ErrorKind = "invalid_transition" // 409, an action not allowed in the state
	KindForbidden    ErrorKind = "forbidden"          // 403
	KindUnauthorized ErrorKind = "unauthorized"       // 401
	KindTooLarge     ErrorKind = "too_large"          // 413
	KindRateLimited  ErrorKind = "rate_limited"       // 429
	KindInternal     ErrorKind = "internal"           // 500, logged, never shown
)

// Error is the one error type of tousu. Message is written for the person who sees it
// (Chinese); Fields names the offending fields with a Chinese explanation each.
type Error struct {
	Op      string            // the operation that failed, e.g. "sqlite.FindComplaint"
	Kind    ErrorKind         // what kind of failure
	Message string            // for the user, in Chinese
	Fields  map[string]string // field path → what is wrong with it
	Err     error             // the underlying error, if any
	// RetryAfter, for kind rate_limited, is how long the caller should wait (the HTTP
	// answer's Retry-After).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	// A wrapped *Error already says the message: do not say it twice.
	var inner *Error
	if errors.As(e.Err, &inner) && inner.Message == e.Message {
		b.WriteString(e.Err.Error())
		return b.String()
	}
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		b.WriteString(string(e.Kind))
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" [")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k + ": " + e.Fields[k])
		}
		b.WriteString("]")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted user message.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// KindOf reports the kind of err: the kind of the outermost *Error that has one, or
// KindInternal for anything that is not ours.
func KindOf(err error) ErrorKind {
	var e *Error
	for err != nil {
		if errors.As(err, &e) {
			if e.Kind != "" {
				return e.Kind
			}
			err = e.Err
			continue
		}
		break
	}
	return KindInternal
}

// IsKind reports whether err is of the given kind.
func IsKind(err error, kind ErrorKind) bool { return err != nil && KindOf(err) == kind }

// Wrap annotates *errp with op, keeping its kind. Store methods use it in a defer:
//
//	defer tousu.Wrap(&err, "sqlite.FindComplaint(%q)", number)
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	op := fmt.Sprintf(format, args...)
	var e *Error
	if errors.As(*errp, &e) {
		*errp = &Error{Op: op, Kind: e.Kind, Message: e.Message, Fields: e.Fields, Err: *errp}
		return
	}
	*errp = &Error{Op: op, Kind: KindInternal, Err: *errp}
}

// PublicMessage is the message a user may see for err.
func PublicMessage(err error) string {
	var e *Error
	if KindOf(err) == KindInternal {
		return "系统内部错误，请稍后再试"
	}
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	switch KindOf(err) {
	case KindNotFound:
		return "未找到"
	case KindForbidden:
		return "无权执行此操作"
	case KindUnauthorized:
		return "请先登录"
	}
	return "请求有误"
}

// FieldsOf returns the field errors carried by err, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	for err != nil && errors.As(err, &e) {
		if len(e.Fields) > 0 {
			return e.Fields
		}
		err = e.Err
	}
	return nil
}

// RetryAfterOf is how long a rate-limited caller should wait, 0 when the error does not say.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	for err != nil && errors.As(err, &e) {
		if e.RetryAfter > 0 {
			return e.RetryAfter
		}
		err = e.Err
	}
	return 0
}

// Problems collects field errors during validation.
type Problems map[string]string

// Add records a problem with field unless one is already recorded for it.
func (p Problems) Add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

// Err returns nil when there are no problems, else an invalid *Error naming every field.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "提交的内容有误，请按提示修改", Fields: map[string]string(p)}
}

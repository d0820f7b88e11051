package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"tousu"
)

// MaxBody is the largest JSON body the API reads.
const MaxBody = 1 << 20

// decode reads a JSON body into v strictly: unknown fields, wrong types, trailing data
// and bodies over MaxBody are refused with the field named. An empty body is {} when
// allowEmpty.
func decode(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &tousu.Error{Kind: tousu.KindMalformed, Message: "请求体应为 JSON（Content-Type: application/json）"}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &tousu.Error{Kind: tousu.KindTooLarge, Message: fmt.Sprintf("请求体过大（最多 %d 字节）", MaxBody)}
		}
		return &tousu.Error{Kind: tousu.KindMalformed, Message: "读取请求体失败", Err: err}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if allowEmpty {
			return nil
		}
		return &tousu.Error{Kind: tousu.KindMalformed, Message: "请求体为空，应为 JSON 对象"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &tousu.Error{Kind: tousu.KindMalformed, Message: "JSON 之后还有多余的内容"}
	}
	return nil
}

// decodeError turns a decoding failure into an error that names the field.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &tousu.Error{Kind: tousu.KindMalformed, Message: "请求体不是有效的 JSON"}
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return &tousu.Error{Kind: tousu.KindMalformed, Message: "请求体应为 JSON 对象"}
		}
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "字段类型不正确",
			Fields: map[string]string{field: "类型不正确，应为" + jsonTypeName(typ.Type.Kind().String())}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "含有未知字段", Fields: map[string]string{name: "未知字段"}}
	}
	// Values that parse as JSON but not as ours: a bad date, a bad instant.
	return &tousu.Error{Kind: tousu.KindInvalid, Message: "字段格式不正确", Fields: map[string]string{"body": plainJSONError(err)}}
}

func plainJSONError(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "parsing time"):
		return "时间格式不正确，应为 RFC 3339，例如 2026-01-30T10:00:00+08:00"
	case strings.Contains(msg, "cannot parse"):
		return "日期格式不正确，应为 YYYY-MM-DD"
	}
	return "格式不正确"
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "bool":
		return "布尔值（true/false）"
	case "slice", "array":
		return "数组"
	case "struct", "map":
		return "对象"
	case "ptr":
		return "对象或字符串"
	}
	if strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "uint") || strings.HasPrefix(kind, "float") {
		return "数字"
	}
	return kind
}

package web

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
)

// openAPI parses the embedded document.
func openAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// pointer resolves a local JSON pointer ("#/components/schemas/X") in doc.
func pointer(doc map[string]any, ref string) (any, bool) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// walk calls f for every object in v, with its JSON path.
func walk(path string, v any, f func(path string, m map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(path, v)
		for k, x := range v {
			walk(path+"/"+k, x, f)
		}
	case []any:
		for i, x := range v {
			walk(path+"/"+strconv.Itoa(i), x, f)
		}
	}
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := openAPI(t)
	if v := doc["openapi"]; v != "3.1.0" {
		t.Errorf(`openapi = %v, want "3.1.0"`, v)
	}

	// Routes on both sides, as "METHOD /path".
	routes := map[string]bool{}
	for _, rt := range (&Server{}).apiRoutes() {
		routes[rt.Method+" "+rt.Path] = true
	}
	documented := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for p, item := range paths {
		ops, _ := item.(map[string]any)
		for _, m := range httpMethods {
			if _, ok := ops[m]; ok {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	var missing, extra []string
	for r := range routes {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("openapi.json is out of step with apiRoutes()\n  routes missing from the document:\n    %s\n  documented but not routed:\n    %s",
			orNone(missing), orNone(extra))
	}

	// Every $ref resolves to an existing component.
	walk("#", doc, func(path string, m map[string]any) {
		ref, ok := m["$ref"].(string)
		if !ok {
			return
		}
		if !strings.HasPrefix(ref, "#/components/") {
			t.Errorf("%s: $ref %q does not point into components", path, ref)
			return
		}
		if _, ok := pointer(doc, ref); !ok {
			t.Errorf("%s: $ref %q does not resolve", path, ref)
		}
	})

	// Every operation has a unique operationId, a summary and responses; path parameters
	// are declared.
	ids := map[string]string{}
	for p, item := range paths {
		ops, _ := item.(map[string]any)
		for _, m := range httpMethods {
			raw, ok := ops[m]
			if !ok {
				continue
			}
			where := strings.ToUpper(m) + " " + p
			o, _ := raw.(map[string]any)
			id, _ := o["operationId"].(string)
			switch {
			case id == "":
				t.Errorf("%s: no operationId", where)
			case ids[id] != "":
				t.Errorf("%s: operationId %q already used by %s", where, id, ids[id])
			default:
				ids[id] = where
			}
			if s, _ := o["summary"].(string); s == "" {
				t.Errorf("%s: no summary", where)
			}
			if r, _ := o["responses"].(map[string]any); len(r) == 0 {
				t.Errorf("%s: no responses", where)
			}
			if _, ok := o["security"]; !ok {
				t.Errorf("%s: no per-operation security", where)
			}
			declared := map[string]bool{}
			params, _ := o["parameters"].([]any)
			for _, prm := range params {
				pm, _ := prm.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					r, _ := pointer(doc, ref)
					pm, _ = r.(map[string]any)
				}
				if pm["in"] == "path" {
					declared[fmt.Sprint(pm["name"])] = true
				}
			}
			for _, seg := range strings.Split(p, "/") {
				if name, ok := strings.CutPrefix(seg, "{"); ok {
					name = strings.TrimSuffix(name, "}")
					if !declared[name] {
						t.Errorf("%s: path parameter %q is not declared", where, name)
					}
				}
			}
		}
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, "\n    ")
}

// enumOf reads the enum of a component schema.
func enumOf(t *testing.T, doc map[string]any, name string) []string {
	t.Helper()
	v, ok := pointer(doc, "#/components/schemas/"+name)
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	raw, _ := v.(map[string]any)["enum"].([]any)
	out := make([]string, len(raw))
	for i, x := range raw {
		out[i] = fmt.Sprint(x)
	}
	return out
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func TestOpenAPIEnumsMatchDomain(t *testing.T) {
	doc := openAPI(t)
	var actions []string
	for _, tr := range tousu.Lifecycle {
		actions = append(actions, string(tr.Action))
	}
	eventTypes := []string{string(tousu.EventRegister)}
	for et := range tousu.EventLabels {
		if et != tousu.EventRegister {
			eventTypes = append(eventTypes, string(et))
		}
	}
	for _, c := range []struct {
		schema string
		want   []string
		sorted bool // compare as sets
	}{
		{"Status", strs(tousu.Statuses.Values()), false},
		{"Kind", strs(tousu.Kinds.Values()), false},
		{"Channel", strs(tousu.Channels.Values()), false},
		{"Action", actions, false},
		{"Classification", strs(tousu.Classifications.Values()), false},
		{"RejectReason", strs(tousu.RejectReasons.Values()), false},
		{"Mode", strs(tousu.Modes.Values()), false},
		{"Method", strs(tousu.Methods.Values()), false},
		{"Finding", strs(tousu.Findings.Values()), false},
		{"Measure", strs(tousu.Measures.Values()), false},
		{"Role", strs(tousu.Roles.Values()), false},
		{"UnitKind", strs(tousu.UnitKinds.Values()), false},
		{"DeadlineUnit", []string{string(tousu.WorkingDays), string(tousu.CalendarDays)}, false},
		{"EventType", eventTypes, true},
	} {
		got := enumOf(t, doc, c.schema)
		want := slices.Clone(c.want)
		if c.sorted {
			sort.Strings(got)
			sort.Strings(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("enum %s = %v, want %v", c.schema, got, want)
		}
	}

	// The action path parameter is the Action enum, and each action's payload schema is the
	// one the server decodes into (tousu.NewPayload).
	op, _ := pointer(doc, "#/paths/~1api~1v1~1complaints~1{number}~1{action}/post")
	opm, _ := op.(map[string]any)
	found := false
	for _, prm := range opm["parameters"].([]any) {
		pm := prm.(map[string]any)
		if pm["name"] == "action" {
			found = true
			if ref := pm["schema"].(map[string]any)["$ref"]; ref != "#/components/schemas/Action" {
				t.Errorf("action parameter schema = %v, want the Action enum", ref)
			}
		}
	}
	if !found {
		t.Error("no action parameter on POST /api/v1/complaints/{number}/{action}")
	}
	byAction, _ := opm["requestBody"].(map[string]any)["x-payload-by-action"].(map[string]any)
	if len(byAction) != len(actions) {
		t.Errorf("x-payload-by-action has %d actions, want %d", len(byAction), len(actions))
	}
	for _, a := range tousu.Lifecycle {
		ref, _ := byAction[string(a.Action)].(string)
		want := "#/components/schemas/" + reflect.TypeOf(tousu.NewPayload(a.Action)).Elem().Name()
		if ref != want {
			t.Errorf("x-payload-by-action[%s] = %q, want %q", a.Action, ref, want)
		}
		if _, ok := pointer(doc, ref); !ok {
			t.Errorf("x-payload-by-action[%s] = %q does not resolve", a.Action, ref)
		}
	}
}

// jsonFields lists the JSON names of t's fields as encoding/json sees them, embedded
// structs flattened.
func jsonFields(t reflect.Type) []string {
	seen := map[string]bool{}
	var visit func(reflect.Type)
	visit = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				visit(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			seen[name] = true
		}
	}
	visit(t)
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPISchemasMatchStructs keeps the schemas' properties equal to the JSON names of
// the Go types they describe; request bodies must refuse unknown fields as decode does.
func TestOpenAPISchemasMatchStructs(t *testing.T) {
	doc := openAPI(t)
	without := func(fields []string, drop string) []string {
		return slices.DeleteFunc(slices.Clone(fields), func(s string) bool { return s == drop })
	}
	for _, c := range []struct {
		schema  string
		fields  []string
		request bool
	}{
		{"Register", jsonFields(reflect.TypeFor[tousu.Register]()), true},
		{"PublicSubmission", without(jsonFields(reflect.TypeFor[tousu.Register]()), "received_at"), true},
		{"Complainant", jsonFields(reflect.TypeFor[tousu.Complainant]()), true},
		{"Target", jsonFields(reflect.TypeFor[tousu.Target]()), true},
		{"AcceptPayload", jsonFields(reflect.TypeFor[tousu.AcceptPayload]()), true},
		{"RejectPayload", jsonFields(reflect.TypeFor[tousu.RejectPayload]()), true},
		{"Referral", jsonFields(reflect.TypeFor[tousu.Referral]()), true},
		{"NotePayload", jsonFields(reflect.TypeFor[tousu.NotePayload]()), true},
		{"MergePayload", jsonFields(reflect.TypeFor[tousu.MergePayload]()), true},
		{"AssignPayload", jsonFields(reflect.TypeFor[tousu.AssignPayload]()), true},
		{"ReasonPayload", jsonFields(reflect.TypeFor[tousu.ReasonPayload]()), true},
		{"InvestigationPayload", jsonFields(reflect.TypeFor[tousu.InvestigationPayload]()), true},
		{"ExtendPayload", jsonFields(reflect.TypeFor[tousu.ExtendPayload]()), true},
		{"UrgePayload", jsonFields(reflect.TypeFor[tousu.UrgePayload]()), true},
		{"Decision", jsonFields(reflect.TypeFor[tousu.Decision]()), true},
		{"Reply", jsonFields(reflect.TypeFor[tousu.Reply]()), true},
		{"ResolvePayload", jsonFields(reflect.TypeFor[tousu.ResolvePayload]()), true},
		{"FeedbackPayload", jsonFields(reflect.TypeFor[tousu.FeedbackPayload]()), true},
		{"EmptyPayload", jsonFields(reflect.TypeFor[tousu.EmptyPayload]()), true},
		{"PublicFeedback", jsonFields(reflect.TypeFor[struct {
			Code string `json:"code"`
			tousu.FeedbackPayload
		}]()), true},
		{"UnitInput", jsonFields(reflect.TypeFor[tousu.Unit]()), true},
		{"CategoryInput", jsonFields(reflect.TypeFor[tousu.Category]()), true},
		{"StaffInput", jsonFields(reflect.TypeFor[tousu.Staff]()), true},
		{"PolicyInput", jsonFields(reflect.TypeFor[tousu.Policy]()), true},
		{"HotlineOrder", jsonFields(reflect.TypeFor[app.HotlineOrder]()), true},
		{"HotlineCaller", jsonFields(reflect.TypeFor[app.HotlineCaller]()), true},
		{"HotlineEvent", jsonFields(reflect.TypeFor[app.HotlineEvent]()), true},

		{"ComplaintView", jsonFields(reflect.TypeFor[app.ComplaintView]()), false},
		{"TargetView", jsonFields(reflect.TypeFor[app.TargetView]()), false},
		{"Deadline", jsonFields(reflect.TypeFor[tousu.Deadline]()), false},
		{"Page", jsonFields(reflect.TypeFor[app.Page]()), false},
		{"RelatedItem", jsonFields(reflect.TypeFor[app.RelatedItem]()), false},
		{"RelatedList", jsonFields(reflect.TypeFor[app.RelatedList]()), false},
		{"Attachment", jsonFields(reflect.TypeFor[attachmentJSON]()), false},
		{"EventView", jsonFields(reflect.TypeFor[app.EventView]()), false},
		{"PublicEvent", jsonFields(reflect.TypeFor[app.PublicEvent]()), false},
		{"PublicView", jsonFields(reflect.TypeFor[app.PublicView]()), false},
		{"Submitted", jsonFields(reflect.TypeFor[submitted]()), false},
		{"Unit", jsonFields(reflect.TypeFor[unitJSON]()), false},
		{"UnitSaved", jsonFields(reflect.TypeFor[tousu.Unit]()), false},
		{"Category", jsonFields(reflect.TypeFor[categoryJSON]()), false},
		{"CategorySaved", jsonFields(reflect.TypeFor[tousu.Category]()), false},
		{"Staff", jsonFields(reflect.TypeFor[tousu.Staff]()), false},
		{"Policy", jsonFields(reflect.TypeFor[tousu.Policy]()), false},
		{"CalendarOverride", jsonFields(reflect.TypeFor[tousu.CalendarOverride]()), false},
		{"Error", jsonFields(reflect.TypeFor[errorBody]()), false},
		{"Disposal", jsonFields(reflect.TypeFor[app.DisposalView]()), false},
		{"DisposalItem", jsonFields(reflect.TypeFor[app.DisposalItemView]()), false},
		{"DisposedView", jsonFields(reflect.TypeFor[app.DisposedView]()), false},
		{"RetentionView", jsonFields(reflect.TypeFor[app.RetentionView]()), false},
		{"ImportReport", jsonFields(reflect.TypeFor[app.ImportReport]()), false},
		{"ImportProblem", jsonFields(reflect.TypeFor[app.ImportProblem]()), false},
	} {
		v, ok := pointer(doc, "#/components/schemas/"+c.schema)
		if !ok {
			t.Errorf("no schema %s", c.schema)
			continue
		}
		m := v.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		got := make([]string, 0, len(props))
		for k := range props {
			got = append(got, k)
		}
		sort.Strings(got)
		if !slices.Equal(got, c.fields) {
			t.Errorf("schema %s has properties %v, want the JSON fields %v", c.schema, got, c.fields)
		}
		if c.request && m["additionalProperties"] != false {
			t.Errorf("schema %s is a request body but allows additional properties", c.schema)
		}
	}
	detail, _ := pointer(doc, "#/components/schemas/Error/properties/error/properties")
	var got []string
	for k := range detail.(map[string]any) {
		got = append(got, k)
	}
	sort.Strings(got)
	if want := jsonFields(reflect.TypeFor[errorDetail]()); !slices.Equal(got, want) {
		t.Errorf("Error.error has properties %v, want %v", got, want)
	}
}

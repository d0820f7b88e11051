package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tousu"
)

// The staff desk's pages share these pieces: form state kept across a failed POST, the
// choices of the vocabularies and of the organisation, the flash after a redirect.
// Handlers live one group per file: desk_inbox.go, desk_register.go, desk_case.go,
// desk_admin*.go.

// deskForm is what a form shows: the values typed (kept when the app refuses them), the
// app's field errors next to each field, and a message for the whole form.
type deskForm struct {
	Values  url.Values
	Errors  map[string]string
	Message string
}

func newForm(v url.Values) *deskForm {
	if v == nil {
		v = url.Values{}
	}
	return &deskForm{Values: v, Errors: map[string]string{}}
}

// Int is the whole number in field name; when there is none, the field gets its error.
func (f *deskForm) Int(name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(f.Values.Get(name)))
	if err != nil {
		f.Errors[name] = "请填写整数"
	}
	return n
}

// Val is the value of a field.
func (f *deskForm) Val(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// ValOr is the value typed in field name, or def when the form has none (a page shown
// before any submission).
func (f *deskForm) ValOr(name, def string) string {
	if f == nil {
		return def
	}
	if v, ok := f.Values[name]; ok && len(v) > 0 {
		return v[0]
	}
	return def
}

// Has reports whether a multi-valued field (checkboxes, multi-select) holds v.
func (f *deskForm) Has(name, v string) bool {
	if f == nil {
		return false
	}
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Err is the error of a field, "" when none.
func (f *deskForm) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Failed reports whether the form was refused.
func (f *deskForm) Failed() bool { return f != nil && (len(f.Errors) > 0 || f.Message != "") }

// refuse records err on the form: its field errors, or its message when it names none.
func (f *deskForm) refuse(err error) {
	if fields := tousu.FieldsOf(err); len(fields) > 0 {
		for k, v := range fields {
			f.Errors[k] = v
		}
		f.Message = "提交的内容有误，请按提示修改"
		return
	}
	f.Message = tousu.PublicMessage(err)
}

// refusal is the HTTP status of a re-rendered form refused with err.
func refusal(err error) int { return status(tousu.KindOf(err)) }

// maxDeskForm bounds a desk form: the longest text (a matter of 10,000 characters) in
// UTF-8 and percent-encoded, with room for the rest.
const maxDeskForm = 1 << 20

// readForm parses a posted desk form.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDeskForm)
	if err := r.ParseForm(); err != nil {
		return nil, &tousu.Error{Kind: tousu.KindMalformed, Message: "表单无效或内容过大", Err: err}
	}
	return r.PostForm, nil
}

// flashKey is the session key of the one-line notice shown after a redirect.
const flashKey = "flash"

// redirectFlash answers a successful POST: a notice for the next page, and a redirect
// to it (so that reloading does not post again).
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, to, msg string) error {
	s.sessions.Put(r.Context(), flashKey, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// deskView fills the layout's part of a desk page, with the flash left by a redirect.
func (s *Server) deskView(r *http.Request, actor tousu.Actor, title string) Common {
	c := s.deskCommon(r, actor, title)
	c.Flash = s.sessions.PopString(r.Context(), flashKey)
	return c
}

// deskOption is one option of a select, radio group or checkbox list.
type deskOption struct {
	Value string
	Label string
}

func deskOptions[T ~string](voc tousu.Vocabulary[T]) []deskOption {
	out := make([]deskOption, len(voc))
	for i, o := range voc {
		out[i] = deskOption{Value: string(o.Value), Label: o.Label}
	}
	return out
}

// unitOptions are the units in tree order, each label indented by its depth with
// ideographic spaces (which a <select> does not collapse).
func unitOptions(units []tousu.Unit) []deskOption {
	depth := map[string]int{}
	out := make([]deskOption, 0, len(units))
	for _, u := range units {
		d := 0
		if u.Parent != "" {
			d = depth[u.Parent] + 1
		}
		depth[u.Code] = d
		label := strings.Repeat("　", d) + u.Name
		if u.Kind == tousu.UnitWindow || u.Kind == tousu.UnitOffice {
			label += "（" + tousu.UnitKinds.Label(u.Kind) + "）"
		}
		out = append(out, deskOption{Value: u.Code, Label: label})
	}
	return out
}

// deskOptGroup is an <optgroup>: the choices under one unit.
type deskOptGroup struct {
	Label   string
	Choices []deskOption
	Unit    string // the unit code the choices belong to, where the form filters by unit
}

// staffOptGroups are the active staff by unit, in tree order, for a staff <select>. keep
// names badges shown even when inactive (a case's recorded target).
func staffOptGroups(units []tousu.Unit, staff []tousu.Staff, keep ...string) []deskOptGroup {
	byUnit := map[string][]tousu.Staff{}
	for _, st := range staff {
		if st.Active || slices.Contains(keep, st.Badge) {
			byUnit[st.Unit] = append(byUnit[st.Unit], st)
		}
	}
	var out []deskOptGroup
	for _, u := range units {
		list := byUnit[u.Code]
		if len(list) == 0 {
			continue
		}
		g := deskOptGroup{Label: u.Name}
		for _, st := range list {
			label := st.Name + "（" + st.Badge + "）"
			if st.Title != "" {
				label += " " + st.Title
			}
			g.Choices = append(g.Choices, deskOption{Value: st.Badge, Label: label})
		}
		out = append(out, g)
	}
	return out
}

// categoryOptions are the active categories (and any inactive one in keep, so that a
// case's recorded category still shows), children indented.
func categoryOptions(cats []tousu.Category, keep ...string) []deskOption {
	depth := map[string]int{}
	var out []deskOption
	for _, c := range cats {
		d := 0
		if c.Parent != "" {
			d = depth[c.Parent] + 1
		}
		depth[c.Code] = d
		if !c.Active && !slices.Contains(keep, c.Code) {
			continue
		}
		out = append(out, deskOption{Value: c.Code, Label: strings.Repeat("　", d) + c.Name})
	}
	return out
}

// deskNotFound answers desk paths that no route serves, inside the desk's layout.
func (s *Server) deskNotFound(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return tousu.Errorf(tousu.KindNotFound, "没有这个页面")
}

package web

import (
	"net/http"
	"net/url"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// The desk's forms on the staff record: praise, a sanction and a training recorded at
// /desk/staff/{badge}, through the same use case as the API. Each form is shown only to
// the roles that may use it.

// staffEntryForms are the record page's forms; a nil form is one the actor may not use.
type staffEntryForms struct {
	Praise, Sanction, Training *deskForm
	PraiseTypes                []deskOption
	SanctionTypes              []deskOption
	Sources                    []deskOption
	Today                      string
}

// entryForms are the forms actor may use on badge's record, kept is the refused one.
func (s *Server) entryForms(actor tousu.Actor, badge, keptKind string, kept *deskForm) staffEntryForms {
	out := staffEntryForms{PraiseTypes: deskOptions(tousu.PraiseTypes), SanctionTypes: deskOptions(tousu.SanctionTypes),
		Sources: deskOptions(tousu.EntrySources), Today: s.app.Today().String()}
	form := func(kind string) *deskForm {
		if app.CanAddStaffEntry(actor, kind) != nil || actor.IsTarget(badge) {
			return nil
		}
		if kind == keptKind {
			return kept
		}
		return newForm(url.Values{"date": {out.Today}})
	}
	out.Praise, out.Sanction, out.Training = form(tousu.EntryPraise), form(tousu.EntrySanction), form(tousu.EntryTraining)
	return out
}

// deskStaffEntry is POST /desk/staff/{badge}/praise|sanctions|training: form fields type,
// date, reason, source, source_ref (praise and sanctions) or course, date, hours, result
// (training). A refused form is shown again with its errors beside the fields.
func (s *Server) deskStaffEntry(kind string) func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
		badge := r.PathValue("badge")
		if err := app.CanAddStaffEntry(actor, kind); err != nil {
			return err
		}
		vals, err := readForm(w, r)
		if err != nil {
			return err
		}
		f := newForm(vals)
		in := app.NewStaffEntry{Date: vals.Get("date")}
		if kind == tousu.EntryTraining {
			in.Course, in.Result = vals.Get("course"), vals.Get("result")
			if strings.TrimSpace(vals.Get("hours")) != "" {
				in.Hours = f.Int("hours")
			}
		} else {
			in.Type, in.Reason, in.Source, in.SourceRef = vals.Get("type"), vals.Get("reason"), vals.Get("source"), vals.Get("source_ref")
		}
		if len(f.Errors) > 0 {
			f.Message = "提交的内容有误，请按提示修改"
			return s.renderStaffRecord(w, r, actor, http.StatusUnprocessableEntity, kind, f)
		}
		e, err := s.app.AddStaffEntry(withClient(r), actor, badge, kind, in)
		if err != nil {
			if !refusable(err) {
				return err
			}
			f.refuse(err)
			return s.renderStaffRecord(w, r, actor, refusal(err), kind, f)
		}
		msg := map[string]string{tousu.EntryPraise: "已记录表扬", tousu.EntrySanction: "已记录处理", tousu.EntryTraining: "已记录培训"}[kind]
		return s.redirectFlash(w, r, "/desk/staff/"+url.PathEscape(badge), msg+"（"+e.Date.String()+"）")
	}
}

// PraiseLabel is the Chinese name of a praise type, for the record's list.
func (staffEntryForms) PraiseLabel(v string) string { return tousu.PraiseTypes.Label(v) }

// SanctionLabel is the Chinese name of a sanction type, for the record's list.
func (staffEntryForms) SanctionLabel(v string) string { return tousu.SanctionTypes.Label(v) }

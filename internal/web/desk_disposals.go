package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/paper"
)

// disposalsPage is the view model of /desk/disposals: the archived cases past their
// retention period that may be proposed for disposal (with the proposal form, for a
// supervisor), and the disposal register (销毁清册), newest first.
type disposalsPage struct {
	Common
	F          *deskForm
	Candidates []app.DisposalItemView
	// CandidatesErr says why no candidates are listed (e.g. an account not at the root).
	CandidatesErr string
	Disposals     []app.DisposalView
	CanPropose    bool
}

// disposalPage is the view model of /desk/disposals/{id}: one disposal with its cases
// and, for a leader while it is proposed, the approve and refuse forms.
type disposalPage struct {
	Common
	F         *deskForm
	D         *app.DisposalView
	CanDecide bool
}

func (s *Server) disposalsPage(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderDisposals(w, r, actor, http.StatusOK, newForm(nil))
}

func (s *Server) renderDisposals(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	ds, err := s.app.Disposals(r.Context(), actor)
	if err != nil {
		return err
	}
	vm := disposalsPage{Common: s.deskView(r, actor, "档案销毁"), F: f, Disposals: ds, CanPropose: app.CanProposeDisposal(actor)}
	vm.Candidates, err = s.app.DisposalCandidates(r.Context(), actor, 0)
	if k := tousu.KindOf(err); k == tousu.KindForbidden {
		vm.CandidatesErr, err = tousu.PublicMessage(err), nil
	}
	if err != nil {
		return err
	}
	return s.render(w, r, code, "desk/disposals", vm)
}

// disposalPropose is POST /desk/disposals: the cases ticked, with the grounds.
func (s *Server) disposalPropose(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	v, err := s.app.ProposeDisposal(r.Context(), actor, vals["number"], vals.Get("reason"))
	if len(tousu.FieldsOf(err)) > 0 {
		f := newForm(vals)
		f.refuse(err)
		return s.renderDisposals(w, r, actor, refusal(err), f)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, fmt.Sprintf("/desk/disposals/%d", v.ID),
		fmt.Sprintf("已提出销毁清册第%d号（%d件），待领导审批", v.ID, len(v.Items)))
}

func (s *Server) disposalDetail(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderDisposal(w, r, actor, http.StatusOK, newForm(nil))
}

func (s *Server) renderDisposal(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	id, err := disposalID(r)
	if err != nil {
		return err
	}
	d, err := s.app.Disposal(r.Context(), actor, id)
	if err != nil {
		return err
	}
	vm := disposalPage{Common: s.deskView(r, actor, fmt.Sprintf("销毁清册第%d号", d.ID)), F: f, D: d,
		CanDecide: app.CanDecideDisposal(actor) && d.Status == tousu.DisposalProposed && d.ProposedBy != actor.Login}
	return s.render(w, r, code, "desk/disposal", vm)
}

// disposalDecide is POST /desk/disposals/{id}/approve and /refuse.
func (s *Server) disposalDecide(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disposalID(r)
	if err != nil {
		return err
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	var (
		do  func(context.Context, tousu.Actor, int64, string) (*app.DisposalView, error)
		msg string
	)
	switch r.PathValue("decision") {
	case "approve":
		do, msg = s.app.ApproveDisposal, "已批准销毁，案卷的身份信息、证据材料和文字内容已销毁"
	case "refuse":
		do, msg = s.app.RefuseDisposal, "已退回该销毁清册"
	default:
		return s.deskNotFound(w, r, actor)
	}
	_, err = do(r.Context(), actor, id, vals.Get("note"))
	if err != nil && tousu.KindOf(err) != tousu.KindInternal && tousu.KindOf(err) != tousu.KindNotFound {
		f := newForm(vals)
		f.refuse(err)
		return s.renderDisposal(w, r, actor, refusal(err), f)
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, fmt.Sprintf("/desk/disposals/%d", id), msg)
}

// disposalRegisterPDF is GET /desk/disposals/{id}/register.pdf: the 档案销毁清册 to print,
// sign and file.
func (s *Server) disposalRegisterPDF(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disposalID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := s.app.Disposal(ctx, actor, id)
	if err != nil {
		return err
	}
	reg := &paper.DisposalRegister{ID: d.ID, Status: d.StatusLabel, Reason: d.Reason,
		ProposedBy: person(d.ProposedByName, d.ProposedBy), ProposedAt: d.ProposedAt,
		ApprovedBy: person(d.DecidedByName, d.DecidedBy), Note: d.Note}
	if d.Status == tousu.DisposalApproved {
		reg.ApprovedAt = d.DecidedAt
	} else if d.Status == tousu.DisposalRefused {
		reg.ApprovedBy = "未批准：" + reg.ApprovedBy
	}
	if units, err := s.app.Units(ctx); err == nil {
		for _, u := range units {
			if u.Parent == "" {
				reg.Office = u.Name
				break
			}
		}
	}
	for _, it := range d.Items {
		reg.Items = append(reg.Items, paper.DisposalLine{Number: it.Number, Kind: it.KindLabel, Unit: it.UnitName,
			ReceivedAt: it.ReceivedAt, ArchivedOn: it.ArchivedOn.Midnight(time.UTC), Class: it.ClassLabel,
			RetainUntil: it.RetainUntil.Midnight(time.UTC), Attachments: it.Attachments})
	}
	pdf, err := paper.RenderDisposalRegister(reg)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("销毁清册第%d号.pdf", d.ID)
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", "inline; filename=\"disposal-"+strconv.FormatInt(d.ID, 10)+".pdf\"; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(pdf)
	return err
}

// person is a name with the login after it, or the login alone.
func person(name, login string) string {
	switch {
	case login == "":
		return ""
	case name == "":
		return login
	}
	return name + "（" + login + "）"
}

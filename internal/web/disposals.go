package web

import (
	"context"
	"net/http"
	"strconv"

	"tousu"
	"tousu/internal/app"
)

// The disposal (销毁) of archived cases after retention, in the JSON API: candidates,
// proposals, and a leader's approval or refusal (docs/RETENTION.md).

// disposalID reads the {id} of a disposal's path.
func disposalID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, tousu.Errorf(tousu.KindNotFound, "未找到该销毁清册")
	}
	return id, nil
}

// disposalCandidates is GET /api/v1/disposals/candidates[?limit=N]: the archived cases
// past their retention period, on no legal hold and in no live proposal, oldest first.
func (s *Server) disposalCandidates(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	limit := 0
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > app.MaxDisposalItems {
			return &tousu.Error{Kind: tousu.KindInvalid, Message: "limit 应为1至1000的整数",
				Fields: map[string]string{"limit": "应为1至1000的整数"}}
		}
		limit = n
	}
	items, err := s.app.DisposalCandidates(r.Context(), actor, limit)
	if err != nil {
		return err
	}
	if items == nil {
		items = []app.DisposalItemView{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// listDisposals is GET /api/v1/disposals: every disposal, newest first (the register).
func (s *Server) listDisposals(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	ds, err := s.app.Disposals(r.Context(), actor)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []app.DisposalView{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ds})
	return nil
}

// proposeDisposal is POST /api/v1/disposals {"numbers": [...], "reason"}: a proposal.
func (s *Server) proposeDisposal(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in struct {
		Numbers []string `json:"numbers"`
		Reason  string   `json:"reason"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.ProposeDisposal(r.Context(), actor, in.Numbers, in.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/disposals/"+strconv.FormatInt(v.ID, 10))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// getDisposal is GET /api/v1/disposals/{id}.
func (s *Server) getDisposal(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disposalID(r)
	if err != nil {
		return err
	}
	v, err := s.app.Disposal(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// approveDisposal is POST /api/v1/disposals/{id}/approve {"note"}: a leader other than
// the proposer approves, and the cases are disposed of.
func (s *Server) approveDisposal(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.decideDisposal(w, r, actor, s.app.ApproveDisposal)
}

// refuseDisposal is POST /api/v1/disposals/{id}/refuse {"note"}: the note is required.
func (s *Server) refuseDisposal(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.decideDisposal(w, r, actor, s.app.RefuseDisposal)
}

func (s *Server) decideDisposal(w http.ResponseWriter, r *http.Request, actor tousu.Actor,
	do func(ctx context.Context, actor tousu.Actor, id int64, note string) (*app.DisposalView, error)) error {
	id, err := disposalID(r)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(w, r, &in, true); err != nil {
		return err
	}
	v, err := do(r.Context(), actor, id, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

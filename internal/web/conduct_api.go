package web

import (
	"net/http"
	"strconv"

	"tousu"
	"tousu/internal/app"
)

// The JSON API of 行风督查: checklists, inspections and rectification tasks.

// conductID is the positive integer path value name, or a not-found error.
func conductID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, tousu.Errorf(tousu.KindNotFound, "未找到该%s", what)
	}
	return id, nil
}

// listChecklists is GET /api/v1/checklists.
func (s *Server) listChecklists(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	list, err := s.app.Checklists(r.Context(), actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// putChecklist is PUT /api/v1/checklists/{code} {"name", "items": [{"code", "name", "weight", "rule"}]}.
func (s *Server) putChecklist(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in tousu.Checklist
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.Code != "" && in.Code != r.PathValue("code") {
		return tousu.Problems{"code": "与路径中的编码不一致"}.Err()
	}
	in.Code = r.PathValue("code")
	if err := s.app.PutChecklist(withClient(r), actor, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// createInspection is POST /api/v1/inspections {"unit", "kind", "date", "checklist"}.
func (s *Server) createInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in app.NewInspection
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.PlanInspection(withClient(r), actor, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// listInspections is GET /api/v1/inspections?unit=&status=&kind=&from=&to=.
func (s *Server) listInspections(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, []string{"unit", "status", "kind", "from", "to"}); err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := s.app.Inspections(r.Context(), actor, app.InspectionQuery{Unit: q.Get("unit"), Status: q.Get("status"),
		Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// getInspection is GET /api/v1/inspections/{id}.
func (s *Server) getInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	v, err := s.app.Inspection(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// recordResults is POST /api/v1/inspections/{id}/results {"items": [{"item", "result", "score", "note", "staff"}]}.
func (s *Server) recordResults(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	var in struct {
		Items []tousu.InspectionResult `json:"items"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.RecordResults(withClient(r), actor, id, in.Items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// completeInspection is POST /api/v1/inspections/{id}/complete: the failed items'
// rectification tasks open.
func (s *Server) completeInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	if err := decode(w, r, &struct{}{}, true); err != nil {
		return err
	}
	v, err := s.app.CompleteInspection(withClient(r), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// addInspectionPhotos is POST /api/v1/inspections/{id}/photos, multipart: files in
// "file", the checklist item in "item" (optional).
func (s *Server) addInspectionPhotos(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	vals, ups, err := readUploads(w, r, "file")
	if err != nil {
		return err
	}
	v, err := s.app.AddInspectionPhotos(withClient(r), actor, id, vals.Get("item"), ups)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// inspectionPhoto is GET /api/v1/inspections/{id}/photos/{photo}.
func (s *Server) inspectionPhoto(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	photo, err := conductID(r, "photo", "照片")
	if err != nil {
		return err
	}
	f, err := s.app.OpenInspectionPhoto(r.Context(), actor, id, photo)
	if err != nil {
		return err
	}
	serveAttachment(w, &f.Attachment)
	return nil
}

// listRectifications is GET /api/v1/rectifications?unit=&status=&source=.
func (s *Server) listRectifications(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, []string{"unit", "status", "source"}); err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := s.app.Rectifications(r.Context(), actor, app.RectificationQuery{Unit: q.Get("unit"), Status: q.Get("status"),
		Source: q.Get("source")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// getRectification is GET /api/v1/rectifications/{id}.
func (s *Server) getRectification(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	v, err := s.app.Rectification(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// submitRectification is POST /api/v1/rectifications/{id}/submit: JSON {"text"}, or
// multipart with "text" and evidence files in "file".
func (s *Server) submitRectification(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	var text string
	var ups []app.Upload
	if isMultipart(r) {
		vals, files, err := readUploads(w, r, "file")
		if err != nil {
			return err
		}
		text, ups = vals.Get("text"), files
	} else {
		var in struct {
			Text string `json:"text"`
		}
		if err := decode(w, r, &in, false); err != nil {
			return err
		}
		text = in.Text
	}
	v, err := s.app.SubmitRectification(withClient(r), actor, id, text, ups)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 19 && ct[:19] == "multipart/form-data"
}

// verifyRectification is POST /api/v1/rectifications/{id}/verify {"accepted", "note"}.
func (s *Server) verifyRectification(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	var in struct {
		Accepted *bool  `json:"accepted"`
		Note     string `json:"note"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.Accepted == nil {
		return tousu.Problems{"accepted": "请说明是否验收通过（true 或 false）"}.Err()
	}
	v, err := s.app.VerifyRectification(withClient(r), actor, id, *in.Accepted, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// rectificationFile is GET /api/v1/rectifications/{id}/evidence/{file}.
func (s *Server) rectificationFile(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	fid, err := conductID(r, "file", "文件")
	if err != nil {
		return err
	}
	f, err := s.app.OpenRectificationFile(r.Context(), actor, id, fid)
	if err != nil {
		return err
	}
	serveAttachment(w, &f.Attachment)
	return nil
}

package web

import (
	"net/http"

	"tousu"
	"tousu/internal/app"
)

// adminTokensPage is the view model of /desk/admin/tokens: the API tokens of the accounts
// the admin manages, each revocable on its own. Tokens are issued at the command line
// (tousu token create), which prints the token once; the page never shows one.
type adminTokensPage struct {
	adminBase
	Tokens []app.TokenInfo
}

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	toks, err := s.app.Tokens(r.Context(), actor, r.URL.Query().Get("login"))
	if err != nil {
		return err
	}
	vm := adminTokensPage{adminBase: s.adminBase(r, actor, "访问令牌", "/desk/admin/tokens"), Tokens: toks}
	return s.render(w, r, http.StatusOK, "desk/admin_tokens", vm)
}

func (s *Server) adminTokenRevoke(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id := r.PathValue("id")
	if err := s.app.RevokeToken(r.Context(), actor, id); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/admin/tokens", "已吊销令牌 "+id+"，使用它的接口调用立即失效")
}

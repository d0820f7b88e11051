package web

import (
	"net/http"
	"net/url"
	"strconv"

	"tousu"
	"tousu/internal/app"
)

// The desk's notifications (/desk/notifications): the signed-in account's messages —
// assignments, returns, urges, deadline warnings, escalations, reopenings — newest first,
// with the unread ones marked and counted in the navigation. Reading one opens its case
// and marks it read (a POST: GET never changes state).

// notificationsPage is the view model of /desk/notifications.
type notificationsPage struct {
	Common
	Items  []app.DeskMessage
	Unread bool   // only the unread are listed
	Next   string // the next page's URL, "" on the last
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	unread := q.Get("unread") == "1"
	page, err := s.app.DeskMessages(r.Context(), actor, unread, max(after, 0), 50)
	if err != nil {
		return err
	}
	vm := notificationsPage{Common: s.deskView(r, actor, "消息提醒"), Items: page.Items, Unread: unread}
	if page.Next != 0 {
		next := url.Values{"after": {strconv.FormatInt(page.Next, 10)}}
		if unread {
			next.Set("unread", "1")
		}
		vm.Next = "/desk/notifications?" + next.Encode()
	}
	return s.render(w, r, http.StatusOK, "desk/notifications", vm)
}

// notificationRead marks a message read, then opens its case (or goes back to the list).
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return tousu.Errorf(tousu.KindNotFound, "没有这条消息")
	}
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	if err := s.app.MarkRead(r.Context(), actor, id); err != nil {
		return err
	}
	to := "/desk/notifications"
	if n := v.Get("number"); n != "" && numberShape(n) {
		to = "/desk/complaints/" + url.PathEscape(n)
	} else if n := v.Get("evaluation"); n != "" && numberShape(n) {
		to = "/desk/evaluations/" + url.PathEscape(n)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// numberShape reports whether s looks like a complaint number, so that a redirect after
// reading a message goes nowhere else.
func numberShape(s string) bool {
	if len(s) < 4 || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// notificationsReadAll marks every message of the account read.
func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	n, err := s.app.MarkAllRead(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/notifications", "已将 "+strconv.Itoa(n)+" 条消息标为已读")
}

// unreadCount is the navigation's count of unread messages; a failure shows none.
func (s *Server) unreadCount(r *http.Request, actor tousu.Actor) int {
	n, err := s.app.UnreadCount(r.Context(), actor)
	if err != nil {
		s.log.Warn("unread count", "err", err)
		return 0
	}
	return n
}

// UnreadLabel is the unread count as the navigation shows it: "99+" beyond 99.
func (u *deskUser) UnreadLabel() string {
	if u.Unread > 99 {
		return "99+"
	}
	return strconv.Itoa(u.Unread)
}

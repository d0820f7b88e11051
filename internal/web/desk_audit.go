package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// auditPageView is the view model of /desk/admin/audit: the audit log, newest first,
// filtered by action, actor or object, for admins and inspectors.
type auditPageView struct {
	adminBase
	F        *deskForm
	Items    []auditRow
	Actions  []deskOption
	NextURL  string // the next page, "" on the last
	FirstURL string // the first page, when this is not it
}

// auditRow is one record of the audit log.
type auditRow struct {
	tousu.AuditRecord
	ActionLabel string
	ObjectURL   string // the complaint's page when the object is a complaint the reader may open
}

// auditActionLabels name the acts of the audit log; acts not listed show their word.
var auditActionLabels = map[string]string{
	"register": "登记", "reveal": "查看投诉人身份", "related": "查询同一投诉人的投诉", "attach": "添加证据材料",
	"attachment.download": "下载证据材料", "login": "登录", "login.failed": "登录失败", "logout": "退出",
	"password.change": "修改密码", "password.reset": "重置密码", "user.create": "创建账号", "user.update": "修改账号和角色",
	"user.disable": "停用账号", "user.enable": "启用账号", "token.create": "创建访问令牌",
	"unit.put": "保存单位", "staff.put": "保存工作人员", "category.put": "保存投诉类别",
	"calendar.put": "保存日历调整", "calendar.delete": "删除日历调整", "policy.put": "保存办理时限",
	"policy.delete": "删除办理时限", "keys.rotate": "密钥轮换", "backup": "备份数据库", "export": "导出",
	"portal.put": "保存门户设置", "ladder.put": "保存超期督办规则",
	// 行风督查 (docs/CONDUCT.md).
	"checklist.put": "保存督查清单", "inspection.create": "计划督查", "inspection.results": "记录督查结果",
	"inspection.complete": "完成督查", "inspection.photo": "上传督查照片", "rectification.submit": "提交整改",
	"rectification.evidence": "上传整改证据", "rectification.accept": "整改验收通过", "rectification.return": "退回整改",
	"rectification.overdue": "整改超期预警与上报", "rectification.days": "保存整改期限", "staff.record": "查看个人档案",
	"staff.praise": "记录表扬", "staff.sanction": "记录处理", "staff.training": "记录培训", "malicious": "提请认定恶意投诉",
	"malicious_review.confirm": "认定恶意投诉", "malicious_review.reject": "不予认定恶意投诉", "assessment.weights": "保存考核权重",
	// 档案销毁 (docs/RETENTION.md).
	"disposal.propose": "提议销毁", "disposal.approve": "批准销毁清册", "disposal.refuse": "退回销毁清册", "dispose": "销毁案卷",
}

func auditActionLabel(a string) string {
	if l := auditActionLabels[a]; l != "" {
		return l
	}
	if t, ok := tousu.TransitionFor(tousu.Action(a)); ok {
		return tousu.ActionLabel(t.Action)
	}
	return a
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanReadAudit(actor); err != nil {
		return err
	}
	q := r.URL.Query()
	f := newForm(url.Values{"action": {q.Get("action")}, "actor": {q.Get("actor")}, "object": {q.Get("object")}})
	aq := app.AuditQuery{Action: q.Get("action"), Actor: q.Get("actor"), Object: q.Get("object")}
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return tousu.Errorf(tousu.KindMalformed, "翻页标记无效")
		}
		aq.Before = n
	}
	page, err := s.app.AuditLog(r.Context(), actor, aq)
	if fields := tousu.FieldsOf(err); len(fields) > 0 {
		f.refuse(err)
		page, err = &app.AuditPage{}, nil
	}
	if err != nil {
		return err
	}
	vm := auditPageView{adminBase: s.adminBase(r, actor, "审计日志", "/desk/admin/audit"), F: f}
	if app.CanAdminister(actor) != nil {
		vm.Nav = nil // the admin pages' navigation is for admins
	}
	for a := range auditActionLabels {
		vm.Actions = append(vm.Actions, deskOption{Value: a, Label: auditActionLabels[a] + "（" + a + "）"})
	}
	for _, t := range tousu.Lifecycle {
		vm.Actions = append(vm.Actions, deskOption{Value: string(t.Action), Label: tousu.ActionLabel(t.Action) + "（" + string(t.Action) + "）"})
	}
	slices.SortFunc(vm.Actions, func(a, b deskOption) int { return strings.Compare(a.Value, b.Value) })
	for _, rec := range page.Items {
		row := auditRow{AuditRecord: rec, ActionLabel: auditActionLabel(rec.Action)}
		row.At = rec.At.In(s.app.Location())
		if strings.HasPrefix(rec.Object, app.NumberPrefix) && app.CanSeeCases(actor) == nil {
			row.ObjectURL = "/desk/complaints/" + url.PathEscape(rec.Object)
		}
		vm.Items = append(vm.Items, row)
	}
	filters := url.Values{}
	for _, k := range []string{"action", "actor", "object"} {
		if v := q.Get(k); v != "" {
			filters.Set(k, v)
		}
	}
	if aq.Before > 0 {
		vm.FirstURL = "/desk/admin/audit?" + filters.Encode()
	}
	if page.Next > 0 {
		filters.Set("before", strconv.FormatInt(page.Next, 10))
		vm.NextURL = "/desk/admin/audit?" + filters.Encode()
	}
	return s.render(w, r, http.StatusOK, "desk/audit", vm)
}

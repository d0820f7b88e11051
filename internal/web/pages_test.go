package web

import (
	"bytes"
	"testing"
	"time"
)

// pageModels holds a view model for every page. TestPagesRender executes each page
// with its model, so that a template referring to a field its model lacks fails here,
// not in front of a user. A new page must add its model.
var pageModels = map[string]any{
	"portal/error": errorPage{Common: Common{Title: "未找到", SiteName: SiteName}, Message: "未找到", Code: 404},
	"desk/error": errorPage{Common: Common{Title: "无权访问", SiteName: SiteName, User: &deskUser{Login: "clerk", Name: "受理员"}},
		Message: "无权访问", Code: 403},
	"desk/login": loginPage{Common: Common{Title: "工作人员登录", SiteName: SiteName}, Login: "clerk", Next: "/desk/", Error: "登录名或密码不正确"},
	"desk/password": passwordPage{Common: Common{Title: "修改密码", SiteName: SiteName, User: &deskUser{Login: "clerk", Name: "受理员"}},
		Errors: map[string]string{"old": "原密码不正确"}},
}

func TestPagesRender(t *testing.T) {
	p, err := parsePages(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	for name, tmpl := range p.byName {
		vm, ok := pageModels[name]
		if !ok {
			t.Errorf("page %s has no view model in pageModels", name)
			continue
		}
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "layout", vm); err != nil {
			t.Errorf("page %s: %v", name, err)
			continue
		}
		if !bytes.Contains(buf.Bytes(), []byte(`<html lang="zh-CN">`)) {
			t.Errorf("page %s does not declare lang=zh-CN", name)
		}
	}
	for name := range pageModels {
		if _, ok := p.byName[name]; !ok {
			t.Errorf("pageModels has %s, but there is no such page", name)
		}
	}
}

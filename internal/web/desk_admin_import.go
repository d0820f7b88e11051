package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/sheet"
)

// maxImportUpload bounds a file imported on the desk; larger ones go through
// `tousu import` at the command line, which streams from disk.
const maxImportUpload = 64 << 20

// adminImportPage is the view model of /desk/admin/import: the upload form, the columns
// of the template, and the report of the last check or import.
type adminImportPage struct {
	adminBase
	Columns  []app.ImportColumn
	Report   *app.ImportReport
	FileName string
	Encoding string // "GB18030" when the file was converted
	Error    string // why the file as a whole was refused
}

func (s *Server) adminImport(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vm := adminImportPage{adminBase: s.adminBase(r, actor, "历史导入", "/desk/admin/import"), Columns: app.ImportColumns}
	return s.render(w, r, http.StatusOK, "desk/admin_import", vm)
}

// adminImportRun is POST /desk/admin/import: the file and the button pressed — 检查
// (mode=dry, a dry run) or 导入 (mode=import). Stateless: after a check the admin picks
// the same file again to import it, so no file with identities is kept between the two.
func (s *Server) adminImportRun(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vm := adminImportPage{adminBase: s.adminBase(r, actor, "历史导入", "/desk/admin/import"), Columns: app.ImportColumns}
	name, data, mode, err := readImportUpload(w, r)
	if err != nil {
		return err
	}
	vm.FileName = name
	code := http.StatusOK
	if len(data) == 0 {
		vm.Error, code = "请选择要导入的 CSV 或 XLSX 文件", http.StatusUnprocessableEntity
		return s.render(w, r, code, "desk/admin_import", vm)
	}
	src, err := sheet.New(bytes.NewReader(data))
	if err != nil {
		err = &tousu.Error{Kind: tousu.KindInvalid, Message: "导入文件无法读取：" + err.Error()}
	} else {
		defer src.Close()
		vm.Encoding = src.Encoding
		vm.Report, err = s.app.Import(r.Context(), actor, src, app.ImportOptions{DryRun: mode != "import"})
	}
	if err != nil {
		if k := tousu.KindOf(err); k == tousu.KindInternal || k == tousu.KindForbidden || k == tousu.KindUnauthorized {
			return err
		}
		vm.Error, code = tousu.PublicMessage(err), http.StatusUnprocessableEntity
	}
	return s.render(w, r, code, "desk/admin_import", vm)
}

// readImportUpload reads the import form: the file (in memory, at most maxImportUpload)
// and the mode.
func readImportUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, mode string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportUpload+maxDeskForm)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, "", &tousu.Error{Kind: tousu.KindMalformed, Message: "表单无效：上传文件需要 multipart/form-data", Err: err}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return name, data, mode, nil
		}
		if err != nil {
			return "", nil, "", uploadError(err)
		}
		switch part.FormName() {
		case "mode":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			mode = string(b)
		case "file":
			name = part.FileName()
			if data, err = io.ReadAll(io.LimitReader(part, maxImportUpload+1)); err != nil {
				return "", nil, "", uploadError(err)
			}
			if len(data) > maxImportUpload {
				return "", nil, "", &tousu.Error{Kind: tousu.KindTooLarge,
					Message: fmt.Sprintf("文件过大（工作台最多 %d MB）；更大的文件请用命令 tousu import 导入", maxImportUpload>>20)}
			}
		}
	}
}

// importAPI is POST /api/v1/imports[?dry_run=true]: the CSV or XLSX file as the request
// body (admin). It answers the report: 200 whether or not some rows were refused (the
// report lists them), 422 when the file itself cannot be imported.
func (s *Server) importAPI(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	dry := false
	switch r.URL.Query().Get("dry_run") {
	case "", "false", "0":
	case "true", "1":
		dry = true
	default:
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "dry_run 应为 true 或 false", Fields: map[string]string{"dry_run": "应为 true 或 false"}}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxImportUpload))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return &tousu.Error{Kind: tousu.KindTooLarge,
				Message: fmt.Sprintf("文件过大（接口最多 %d MB）；更大的文件请用命令 tousu import 导入", maxImportUpload>>20)}
		}
		return &tousu.Error{Kind: tousu.KindMalformed, Message: "读取请求体失败", Err: err}
	}
	if len(data) == 0 {
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "请求体应为 CSV 或 XLSX 文件", Fields: map[string]string{"file": "请求体为空"}}
	}
	src, err := sheet.New(bytes.NewReader(data))
	if err != nil {
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "导入文件无法读取：" + err.Error(), Fields: map[string]string{"file": err.Error()}}
	}
	defer src.Close()
	rep, err := s.app.Import(r.Context(), actor, src, app.ImportOptions{DryRun: dry})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

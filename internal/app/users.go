package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"tousu"
)

// NewUser is an account to create.
type NewUser struct {
	Login    string
	Name     string
	Roles    []tousu.Role
	Unit     string // defaults to the root unit
	Staff    string
	Password string // generated when empty
}

// CreateUser creates a staff account and returns the password it was given (generated
// when none was). actor is the admin, or tousu.SystemActor for the CLI.
func (a *App) CreateUser(ctx context.Context, actor tousu.Actor, nu NewUser) (string, error) {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return "", err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return "", err
	}
	p := tousu.Problems{}
	nu.Login = strings.TrimSpace(nu.Login)
	if !validCode(nu.Login) {
		p.Add("login", "登录名只能包含小写字母、数字、下划线、连字符和点")
	}
	if strings.TrimSpace(nu.Name) == "" {
		p.Add("name", "请填写姓名")
	}
	tousu.CheckLine(p, "name", strings.TrimSpace(nu.Name), 64)
	if len(nu.Roles) == 0 {
		p.Add("role", "请至少选择一个角色")
	}
	for _, r := range nu.Roles {
		if !tousu.Roles.Valid(r) {
			p.Add("role", "没有这个角色："+string(r)+"（可选：clerk, supervisor, handler, inspector, leader, admin）")
		}
	}
	if nu.Unit == "" {
		nu.Unit = ref.rootCode()
	}
	if _, ok := ref.unitByCode[nu.Unit]; !ok {
		p.Add("unit", "没有这个单位："+nu.Unit)
	}
	if nu.Staff != "" {
		if st, err := a.store.FindStaff(ctx, nu.Staff); tousu.IsKind(err, tousu.KindNotFound) {
			p.Add("staff", "没有这个工号："+nu.Staff)
		} else if err != nil {
			return "", err
		} else if !ref.adminCovers(actor, st.Unit) {
			return "", errOutOfScope("工号“" + nu.Staff + "”")
		}
	}
	if _, ok := ref.unitByCode[nu.Unit]; ok {
		if err := ref.mayGrant(actor, nu.Roles, nu.Unit); err != nil {
			return "", err
		}
	}
	if nu.Password == "" {
		if nu.Password, err = a.randomPassword(); err != nil {
			return "", err
		}
	} else if msg := passwordProblem(nu.Password); msg != "" {
		p.Add("password", msg)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := a.rand.Read(salt); err != nil {
		return "", err
	}
	u := &tousu.User{Login: nu.Login, Name: strings.TrimSpace(nu.Name), Roles: nu.Roles, Unit: nu.Unit,
		Staff: nu.Staff, PasswordHash: hashPassword(nu.Password, salt), CreatedAt: a.now().UTC().Truncate(time.Millisecond)}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return "", err
	}
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	if err := a.audit(ctx, actor, "user.create", u.Login, "roles="+strings.Join(roles, ",")+" unit="+u.Unit); err != nil {
		return "", err
	}
	return nu.Password, nil
}

func passwordProblem(pw string) string {
	if utf8.RuneCountInString(pw) < 10 {
		return "密码至少10个字符"
	}
	if len(pw) > 200 {
		return "密码过长"
	}
	return ""
}

func (a *App) randomPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := a.rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

func hashPassword(pw string, salt []byte) string {
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// TokenPrefix marks tousu API tokens, so that leaked ones are easy to find in text.
const TokenPrefix = "tsk_"

// CreateToken issues a new API token for an account (the CLI's `token create`), with no
// expiry. Only its hash is kept.
func (a *App) CreateToken(ctx context.Context, actor tousu.Actor, login string) (string, error) {
	return a.CreateTokenUntil(ctx, actor, login, time.Time{})
}

// CreateTokenUntil issues a new API token for an account that stops working at expires
// (never, when zero). An admin issues tokens only for accounts it manages.
func (a *App) CreateTokenUntil(ctx context.Context, actor tousu.Actor, login string, expires time.Time) (string, error) {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return "", err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return "", err
	}
	u, err := a.store.FindUser(ctx, login)
	if err != nil {
		return "", err
	}
	if err := ref.mayManage(actor, u); err != nil {
		return "", err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	if !expires.IsZero() && !expires.After(now) {
		return "", tousu.Problems{"expires": "有效期须晚于现在"}.Err()
	}
	raw, err := a.randomHex(24)
	if err != nil {
		return "", err
	}
	tok := TokenPrefix + raw
	if err := a.store.CreateToken(ctx, tousu.Token{Hash: tokenHash(tok), Login: u.Login,
		CreatedAt: now, ExpiresAt: expires.UTC().Truncate(time.Millisecond)}); err != nil {
		return "", err
	}
	detail := ""
	if !expires.IsZero() {
		detail = "expires=" + expires.UTC().Format(time.RFC3339)
	}
	if err := a.audit(ctx, actor, "token.create", u.Login, "id="+tokenHash(tok)[:TokenIDLength]+" "+detail); err != nil {
		return "", err
	}
	return tok, nil
}

// TokenIDLength is the length of a token's ID: the start of its hash, enough to tell the
// tokens of a deployment apart and useless for signing in.
const TokenIDLength = 12

// TokenInfo is an API token as the CLI and the admin page list it: never the token.
type TokenInfo struct {
	ID        string // the start of the token's hash
	Login     string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
	Expired   bool
}

// Tokens lists the API tokens of the accounts the admin manages ("" for all of them, or
// one login), newest first.
func (a *App) Tokens(ctx context.Context, actor tousu.Actor, login string) ([]TokenInfo, error) {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	toks, err := a.store.ListTokens(ctx, login)
	if err != nil {
		return nil, err
	}
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	byLogin := map[string]*tousu.User{}
	for i := range users {
		byLogin[users[i].Login] = &users[i]
	}
	now := a.now()
	out := []TokenInfo{}
	for _, t := range toks {
		if u := byLogin[t.Login]; u == nil || ref.mayManage(actor, u) != nil {
			continue
		}
		out = append(out, TokenInfo{ID: t.Hash[:min(TokenIDLength, len(t.Hash))], Login: t.Login, CreatedAt: t.CreatedAt.In(a.loc),
			ExpiresAt: t.ExpiresAt, Expired: !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(now)})
		if !t.ExpiresAt.IsZero() {
			out[len(out)-1].ExpiresAt = t.ExpiresAt.In(a.loc)
		}
	}
	return out, nil
}

// RevokeToken revokes one API token by its ID (audited); it stops working at once. An
// admin revokes only the tokens of accounts it manages; an unknown ID and one out of
// scope are the same not-found.
func (a *App) RevokeToken(ctx context.Context, actor tousu.Actor, id string) error {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return err
	}
	id = strings.ToLower(strings.TrimSpace(id))
	if len(id) < 8 {
		return tousu.Problems{"id": "请给出令牌编号（至少8位）"}.Err()
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	toks, err := a.store.ListTokens(ctx, "")
	if err != nil {
		return err
	}
	var found *tousu.Token
	for i, t := range toks {
		if strings.HasPrefix(t.Hash, id) {
			if found != nil {
				return tousu.Problems{"id": "有多个令牌以此开头，请给出更长的编号"}.Err()
			}
			found = &toks[i]
		}
	}
	notFound := tousu.Errorf(tousu.KindNotFound, "没有这个令牌：%s", id)
	if found == nil {
		return notFound
	}
	u, err := a.store.FindUser(ctx, found.Login)
	if err != nil {
		return err
	}
	if ref.mayManage(actor, u) != nil {
		return notFound
	}
	if err := a.store.DeleteToken(ctx, found.Hash); err != nil {
		return err
	}
	return a.audit(ctx, actor, "token.revoke", found.Login, "id="+found.Hash[:TokenIDLength])
}

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the actor behind a bearer token.
func (a *App) Authenticate(ctx context.Context, token string) (tousu.Actor, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 100 {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "访问令牌无效")
	}
	// One read, fresh on every request: a revoked token, a disabled account, a changed
	// role or badge take effect at once on every node.
	t, u, err := a.store.FindTokenUser(ctx, tokenHash(token))
	if tousu.IsKind(err, tousu.KindNotFound) {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "访问令牌无效")
	}
	if err != nil {
		return tousu.Actor{}, err
	}
	if !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(a.now()) {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "访问令牌已过期")
	}
	if u.Disabled {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "账号已停用")
	}
	return u.Actor(), nil
}

// Users lists the accounts (admin).
func (a *App) Users(ctx context.Context, actor tousu.Actor) ([]tousu.User, error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return nil, err
	}
	return a.store.ListUsers(ctx)
}

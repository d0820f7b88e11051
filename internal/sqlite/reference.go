package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"tousu"
)

// ListUnits returns the whole organisation tree in depth-first order: each unit right
// after its parent's earlier children's subtrees, siblings by sort then code.
func (db *DB) ListUnits(ctx context.Context) (_ []tousu.Unit, err error) {
	defer tousu.Wrap(&err, "sqlite.ListUnits")
	rows, err := db.read.QueryContext(ctx, `SELECT code, name, parent, kind, services, hours, phone, address, sort
		FROM units ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var units []tousu.Unit
	for rows.Next() {
		var u tousu.Unit
		if err := rows.Scan(&u.Code, &u.Name, &u.Parent, &u.Kind, &u.Services, &u.Hours, &u.Phone, &u.Address, &u.Sort); err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return tousu.TreeOrder(units, func(u tousu.Unit) (string, string) { return u.Code, u.Parent }), nil
}

// PutUnit inserts or updates a unit by code.
func (db *DB) PutUnit(ctx context.Context, u tousu.Unit) (err error) {
	defer tousu.Wrap(&err, "sqlite.PutUnit(%q)", u.Code)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `INSERT INTO units (code, name, parent, kind, services, hours, phone, address, sort)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent, kind = excluded.kind,
				services = excluded.services, hours = excluded.hours, phone = excluded.phone,
				address = excluded.address, sort = excluded.sort`,
			u.Code, u.Name, u.Parent, u.Kind, u.Services, u.Hours, u.Phone, u.Address, u.Sort)
		return err
	})
}

const staffColumns = `badge, name, unit, title, active`

func scanStaff(s rowScanner) (tousu.Staff, error) {
	var st tousu.Staff
	err := s.Scan(&st.Badge, &st.Name, &st.Unit, &st.Title, &st.Active)
	return st, err
}

// ListStaff returns the staff of a unit ("" for everyone), by badge.
func (db *DB) ListStaff(ctx context.Context, unit string) (_ []tousu.Staff, err error) {
	defer tousu.Wrap(&err, "sqlite.ListStaff(%q)", unit)
	var rows *sql.Rows
	if unit == "" {
		rows, err = db.read.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY badge`)
	} else {
		rows, err = db.read.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE unit = ? ORDER BY badge`, unit)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// FindStaff returns the staff member with the badge.
func (db *DB) FindStaff(ctx context.Context, badge string) (_ *tousu.Staff, err error) {
	defer tousu.Wrap(&err, "sqlite.FindStaff(%q)", badge)
	st, err := scanStaff(db.read.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE badge = ?`, badge))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("未找到该工作人员")
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// PutStaff inserts or updates a staff member by badge.
func (db *DB) PutStaff(ctx context.Context, s tousu.Staff) (err error) {
	defer tousu.Wrap(&err, "sqlite.PutStaff(%q)", s.Badge)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `INSERT INTO staff (badge, name, unit, title, active) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (badge) DO UPDATE SET name = excluded.name, unit = excluded.unit,
				title = excluded.title, active = excluded.active`,
			s.Badge, s.Name, s.Unit, s.Title, s.Active)
		return err
	})
}

// ListCategories returns the category tree in depth-first order, siblings by sort then code.
func (db *DB) ListCategories(ctx context.Context) (_ []tousu.Category, err error) {
	defer tousu.Wrap(&err, "sqlite.ListCategories")
	rows, err := db.read.QueryContext(ctx, `SELECT code, name, parent, description, sort, active
		FROM categories ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cats []tousu.Category
	for rows.Next() {
		var c tousu.Category
		if err := rows.Scan(&c.Code, &c.Name, &c.Parent, &c.Description, &c.Sort, &c.Active); err != nil {
			return nil, err
		}
		cats = append(cats, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return tousu.TreeOrder(cats, func(c tousu.Category) (string, string) { return c.Code, c.Parent }), nil
}

// PutCategory inserts or updates a category by code.
func (db *DB) PutCategory(ctx context.Context, c tousu.Category) (err error) {
	defer tousu.Wrap(&err, "sqlite.PutCategory(%q)", c.Code)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `INSERT INTO categories (code, name, parent, description, sort, active)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent,
				description = excluded.description, sort = excluded.sort, active = excluded.active`,
			c.Code, c.Name, c.Parent, c.Description, c.Sort, c.Active)
		return err
	})
}

// ListCalendarOverrides returns every override, by date.
func (db *DB) ListCalendarOverrides(ctx context.Context) (_ []tousu.CalendarOverride, err error) {
	defer tousu.Wrap(&err, "sqlite.ListCalendarOverrides")
	rows, err := db.read.QueryContext(ctx, `SELECT date, workday, name FROM calendar_overrides ORDER BY date`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.CalendarOverride
	for rows.Next() {
		var (
			o tousu.CalendarOverride
			d string
		)
		if err := rows.Scan(&d, &o.Workday, &o.Name); err != nil {
			return nil, err
		}
		if o.Date, err = tousu.ParseDate(d); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// PutCalendarOverride inserts or replaces the override of a date.
func (db *DB) PutCalendarOverride(ctx context.Context, o tousu.CalendarOverride) (err error) {
	defer tousu.Wrap(&err, "sqlite.PutCalendarOverride(%s)", o.Date)
	if o.Date.IsZero() {
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "请填写日期", Fields: map[string]string{"date": "必填"}}
	}
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := txExec(ctx, tx, `INSERT INTO calendar_overrides (date, workday, name) VALUES (?, ?, ?)
			ON CONFLICT (date) DO UPDATE SET workday = excluded.workday, name = excluded.name`,
			o.Date.String(), o.Workday, o.Name)
		return err
	})
}

// DeleteCalendarOverride removes the override of a date; a date without one is not found.
func (db *DB) DeleteCalendarOverride(ctx context.Context, d tousu.Date) (err error) {
	defer tousu.Wrap(&err, "sqlite.DeleteCalendarOverride(%s)", d)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `DELETE FROM calendar_overrides WHERE date = ?`, d.String())
		if err != nil {
			return err
		}
		return affected(res, "该日期没有调整记录")
	})
}

// ListPolicies returns the deadline policies, by ID.
func (db *DB) ListPolicies(ctx context.Context) (_ []tousu.Policy, err error) {
	defer tousu.Wrap(&err, "sqlite.ListPolicies")
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, kind, category, classification, days, unit,
		channel, org_unit FROM policies ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.Policy
	for rows.Next() {
		var p tousu.Policy
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.Category, &p.Classification, &p.Days, &p.Unit,
			&p.Channel, &p.OrgUnit); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PutPolicy inserts a policy when its ID is 0, setting the ID, or updates the policy with
// that ID, which must exist.
func (db *DB) PutPolicy(ctx context.Context, p *tousu.Policy) (err error) {
	defer tousu.Wrap(&err, "sqlite.PutPolicy(%d)", p.ID)
	var id int64
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if p.ID == 0 {
			return txQueryRow(ctx, tx, `INSERT INTO policies (name, kind, category, classification, days, unit,
				channel, org_unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				p.Name, p.Kind, p.Category, p.Classification, p.Days, p.Unit, p.Channel, p.OrgUnit).Scan(&id)
		}
		res, err := txExec(ctx, tx, `UPDATE policies SET name = ?, kind = ?, category = ?, classification = ?,
			days = ?, unit = ?, channel = ?, org_unit = ? WHERE id = ?`,
			p.Name, p.Kind, p.Category, p.Classification, p.Days, p.Unit, p.Channel, p.OrgUnit, p.ID)
		if err != nil {
			return err
		}
		id = p.ID
		return affected(res, "未找到该时限规则")
	})
	if err != nil {
		return err
	}
	p.ID = id
	return nil
}

// DeletePolicy removes a policy; a missing one is not found.
func (db *DB) DeletePolicy(ctx context.Context, id int64) (err error) {
	defer tousu.Wrap(&err, "sqlite.DeletePolicy(%d)", id)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `DELETE FROM policies WHERE id = ?`, id)
		if err != nil {
			return err
		}
		return affected(res, "未找到该时限规则")
	})
}

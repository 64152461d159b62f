-- The sample sector database: four of the ministry's sector systems, with
-- synthetic people. Record-level tables hold personal data; the views are the
-- aggregates that may be published as open data. Every table has updated_at,
-- so that harvests can be incremental. {schema} is replaced by the generator.

CREATE TABLE {schema}.sample_meta (key text PRIMARY KEY, value text NOT NULL);

-- CSDL người có công: meritorious people and their allowances
CREATE TABLE {schema}.nguoi_co_cong (
    id              integer PRIMARY KEY,
    ho_ten          text NOT NULL,
    so_cccd         char(12) NOT NULL,
    ngay_sinh       date NOT NULL,
    gioi_tinh       text NOT NULL,
    ma_tinh         text NOT NULL,
    dia_chi         text NOT NULL,
    so_dien_thoai   text,
    loai_doi_tuong  text NOT NULL,
    ty_le_ton_thuong integer,
    nam_cong_nhan   integer NOT NULL,
    updated_at      timestamp NOT NULL,
    email           text
);
CREATE TABLE {schema}.tro_cap_uu_dai (
    id              integer PRIMARY KEY,
    nguoi_co_cong_id integer NOT NULL REFERENCES {schema}.nguoi_co_cong(id),
    nam             integer NOT NULL,
    loai_tro_cap    text NOT NULL,
    muc_tro_cap     integer NOT NULL,
    updated_at      timestamp NOT NULL
);

-- CSDL bảo trợ xã hội: social assistance beneficiaries
CREATE TABLE {schema}.doi_tuong_bao_tro (
    id              integer PRIMARY KEY,
    ho_ten          text NOT NULL,
    so_cccd         char(12) NOT NULL,
    ngay_sinh       date NOT NULL,
    gioi_tinh       text NOT NULL,
    ma_tinh         text NOT NULL,
    dia_chi         text NOT NULL,
    nhom_doi_tuong  text NOT NULL,
    muc_tro_cap     integer NOT NULL,
    nam_huong       integer NOT NULL,
    updated_at      timestamp NOT NULL
);

-- CSDL giáo dục nghề nghiệp: vocational training enrolments
CREATE TABLE {schema}.hoc_vien_gdnn (
    id              integer PRIMARY KEY,
    ho_ten          text NOT NULL,
    so_cccd         char(12) NOT NULL,
    ngay_sinh       date NOT NULL,
    gioi_tinh       text NOT NULL,
    ma_tinh         text NOT NULL,
    nganh_nghe      text NOT NULL,
    trinh_do        text NOT NULL,
    nam_tuyen_sinh  integer NOT NULL,
    trang_thai      text NOT NULL,
    updated_at      timestamp NOT NULL,
    email           text
);

-- CSDL thị trường lao động: job seekers
CREATE TABLE {schema}.nguoi_tim_viec (
    id              integer PRIMARY KEY,
    ho_ten          text NOT NULL,
    so_cccd         char(12) NOT NULL,
    so_dien_thoai   text NOT NULL,
    email           text,
    ngay_sinh       date NOT NULL,
    gioi_tinh       text NOT NULL,
    ma_tinh         text NOT NULL,
    nganh_mong_muon text NOT NULL,
    trinh_do        text NOT NULL,
    nam_dang_ky     integer NOT NULL,
    updated_at      timestamp NOT NULL
);

-- The aggregates (open data)
CREATE VIEW {schema}.v_nguoi_co_cong_theo_tinh AS
    SELECT ma_tinh, loai_doi_tuong, gioi_tinh, count(*)::integer AS so_nguoi,
           max(updated_at) AS updated_at
      FROM {schema}.nguoi_co_cong GROUP BY 1, 2, 3;
CREATE VIEW {schema}.v_tro_cap_theo_tinh_nam AS
    SELECT n.ma_tinh, t.nam, t.loai_tro_cap, count(*)::integer AS so_luot,
           sum(t.muc_tro_cap)::bigint AS tong_tien_vnd, max(t.updated_at) AS updated_at
      FROM {schema}.tro_cap_uu_dai t JOIN {schema}.nguoi_co_cong n ON n.id = t.nguoi_co_cong_id
     GROUP BY 1, 2, 3;
CREATE VIEW {schema}.v_bao_tro_theo_tinh AS
    SELECT ma_tinh, nhom_doi_tuong, nam_huong, count(*)::integer AS so_doi_tuong,
           sum(muc_tro_cap)::bigint AS tong_tro_cap_vnd, max(updated_at) AS updated_at
      FROM {schema}.doi_tuong_bao_tro GROUP BY 1, 2, 3;
CREATE VIEW {schema}.v_tuyen_sinh_gdnn AS
    SELECT ma_tinh, nganh_nghe, trinh_do, nam_tuyen_sinh, gioi_tinh, count(*)::integer AS so_hoc_vien,
           max(updated_at) AS updated_at
      FROM {schema}.hoc_vien_gdnn GROUP BY 1, 2, 3, 4, 5;
CREATE VIEW {schema}.v_nguoi_tim_viec_theo_tinh AS
    SELECT ma_tinh, nganh_mong_muon, trinh_do, nam_dang_ky, count(*)::integer AS so_nguoi,
           max(updated_at) AS updated_at
      FROM {schema}.nguoi_tim_viec GROUP BY 1, 2, 3, 4;

/* linfit_port.c - self-contained C99 port of the linfit training loop for the
 * conformance kit.  Usage: linfit_port GOLDEN_DIR OUTPUT.json [float32|float64]
 * Build: cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -o linfit_port linfit_port.c -lm
 * (add -DRECORD_LOSS_AFTER_UPDATE for the deliberately wrong variant the tests reject) */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "linfit_port: error: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(2);
}

static char *read_all(const char *path, long *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    if (!f) die("cannot open %s%s", path, "");
    if (fseek(f, 0, SEEK_END) != 0 || (*len = ftell(f)) < 0) die("cannot size %s%s", path, "");
    rewind(f);
    buf = malloc((size_t)*len + 1);
    if (!buf || fread(buf, 1, (size_t)*len, f) != (size_t)*len) die("cannot read %s%s", path, "");
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* ---- tiny JSON scanner: structure-aware key lookup, no tree ---- */
static const char *skip_ws(const char *p) { while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++; return p; }
static const char *skip_string(const char *p) { /* p at opening quote; returns past closing */
    for (p++; *p && *p != '"'; p++) if (*p == '\\' && p[1]) p++;
    if (!*p) die("unterminated string in manifest%s%s", "", "");
    return p + 1;
}
static const char *skip_value(const char *p) { /* returns pointer just past the value */
    int depth = 0;
    p = skip_ws(p);
    if (*p == '"') return skip_string(p);
    if (*p != '{' && *p != '[') { while (*p && !strchr(",}] \n\r\t", *p)) p++; return p; }
    do {
        if (*p == '"') { p = skip_string(p); continue; }
        if (!*p) die("truncated manifest%s%s", "", "");
        if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') depth--;
        p++;
    } while (depth > 0);
    return p;
}
/* obj points at '{'; returns pointer to the value of key (direct member) or NULL */
static const char *find_key(const char *obj, const char *key) {
    const char *p = skip_ws(obj);
    size_t kl = strlen(key);
    if (*p != '{') die("expected a JSON object%s%s", "", "");
    p = skip_ws(p + 1);
    while (*p == '"') {
        const char *k = p + 1, *e = skip_string(p);
        int match = (size_t)(e - 1 - k) == kl && strncmp(k, key, kl) == 0;
        p = skip_ws(e);
        if (*p != ':') die("expected ':' after key in manifest%s%s", "", "");
        p = skip_ws(p + 1);
        if (match) return p;
        p = skip_ws(skip_value(p));
        if (*p == ',') p = skip_ws(p + 1);
    }
    return NULL;
}
static const char *need(const char *obj, const char *key) {
    const char *v = find_key(obj, key);
    if (!v) die("manifest: missing key \"%s\"%s", key, "");
    return v;
}
static double num(const char *obj, const char *key) {
    const char *v = need(obj, key);
    char *end;
    double d = strtod(v, &end);
    if (end == v) die("manifest: key \"%s\" is not a number%s", key, "");
    return d;
}
static void str(const char *obj, const char *key, char *out, size_t cap) {
    const char *v = need(obj, key), *e;
    if (*v != '"') die("manifest: key \"%s\" is not a string%s", key, "");
    e = skip_string(v);
    if ((size_t)(e - v - 2) >= cap || memchr(v + 1, '\\', (size_t)(e - v - 2))) die("manifest: bad string for \"%s\"%s", key, "");
    memcpy(out, v + 1, (size_t)(e - v - 2));
    out[e - v - 2] = '\0';
}

/* ---- .npy reader ---- */
static void *read_npy(const char *path, const char *descr, int ndim, const long *shape) {
    long len, hl, off, count = 1, dims[2] = {0, 0};
    int nd = 0, i;
    char *buf = read_all(path, &len), *h, *p, want[32];
    size_t item = strcmp(descr, "<f4") == 0 ? 4 : 8;
    unsigned char *raw, *out;
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0) die("%s: not a .npy file (bad magic)%s", path, "");
    raw = (unsigned char *)buf;
    if (raw[6] == 1) { hl = raw[8] | (raw[9] << 8); off = 10; }
    else if (raw[6] == 2 || raw[6] == 3) { hl = (long)(raw[8] | (raw[9] << 8) | ((unsigned long)raw[10] << 16) | ((unsigned long)raw[11] << 24)); off = 12; }
    else die("%s: unsupported .npy version%s", path, "");
    if (off + hl > len) die("%s: truncated header%s", path, "");
    h = malloc((size_t)hl + 1);
    memcpy(h, buf + off, (size_t)hl); h[hl] = '\0';
    sprintf(want, "'descr': '%s'", descr);
    if (!strstr(h, want)) die("%s: expected dtype %s", path, descr);
    if (!strstr(h, "'fortran_order': False")) die("%s: fortran_order must be False%s", path, "");
    if (!(p = strstr(h, "'shape': ("))) die("%s: no shape in header%s", path, "");
    for (p += 10; *p != ')'; ) {
        char *e;
        long d = strtol(p, &e, 10);
        if (e == p || nd >= 2) die("%s: malformed or unexpected shape%s", path, "");
        dims[nd++] = d; p = e;
        while (*p == ',' || *p == ' ') p++;
    }
    if (nd != ndim) die("%s: wrong number of dimensions%s", path, "");
    for (i = 0; i < nd; i++) {
        if (dims[i] != shape[i]) die("%s: shape does not match the manifest%s", path, "");
        count *= dims[i];
    }
    if (len - off - hl != count * (long)item) die("%s: data size does not match shape%s", path, "");
    out = malloc((size_t)count * item + 1);
    memcpy(out, buf + off + hl, (size_t)count * item); /* little-endian host assumed; checked in main */
    free(h); free(buf);
    return out;
}

typedef struct { long n, epochs, bs; int shuffled; double lr, w0, b0; const float *x, *y; const int64_t *order; } Case;

/* ==== Training in float32: every operation here is done in C float. ====
 * r = w*x[i] + b - y[i] is point i's residual.  rows gets (w, b, loss) as doubles (exact). */

/* The loss: the mean of r*r over all n points. */
static float loss32(const Case *c, float w, float b) {
    float sum = 0;
    for (long i = 0; i < c->n; i++) { float r = w * c->x[i] + b - c->y[i]; sum += r * r; }
    return sum / (float)c->n;
}

/* The line being trained, and the gradient of the last step taken. */
typedef struct { float w, b, grad_w, grad_b; } Line32;

/* One gradient step on the batch k = start..end-1: point pick[k]
 * (point k if pick is NULL). */
static void step32(const Case *c, const int64_t *pick, long start, long end,
                   float lr, Line32 *p) {
    float m = (float)(end - start), sum_rx = 0, sum_r = 0;
    for (long k = start; k < end; k++) {
        long i = pick ? (long)pick[k] : k;
        float r = p->w * c->x[i] + p->b - c->y[i];
        sum_rx += r * c->x[i]; sum_r += r;
    }
    /* both gradients are taken at the w, b before the update */
    p->grad_w = 2.0f / m * sum_rx;
    p->grad_b = 2.0f / m * sum_r;
    p->w = p->w - lr * p->grad_w;
    p->b = p->b - lr * p->grad_b;
}

/* The epoch loop: row 0 is the start, row e+1 the state after epoch e. */
static void train32(const Case *c, double *rows) {
    Line32 p = {(float)c->w0, (float)c->b0, 0.0f, 0.0f};
    float lr = (float)c->lr;
    rows[0] = p.w; rows[1] = p.b; rows[2] = loss32(c, p.w, p.b);
    for (long e = 0; e < c->epochs; e++) {
        /* this epoch's order */
        const int64_t *pick = c->shuffled ? c->order + e * c->n : NULL;
        double *row = rows + 3 * (e + 1);
        /* the last batch may be shorter */
        for (long start = 0; start < c->n; start += c->bs) {
            long end = start + c->bs < c->n ? start + c->bs : c->n;
            step32(c, pick, start, end, lr, &p);
        }
        row[0] = p.w; row[1] = p.b;
#ifdef RECORD_LOSS_AFTER_UPDATE /* deliberately wrong: the loss one step too late */
        row[2] = loss32(c, p.w - lr * p.grad_w, p.b - lr * p.grad_b);
#else
        row[2] = loss32(c, p.w, p.b);  /* the full-data loss at this epoch's w, b */
#endif
    }
}

/* ==== Training in float64: the same three functions, with double for float. ==== */

static double loss64(const Case *c, double w, double b) {
    double sum = 0;
    for (long i = 0; i < c->n; i++) { double r = w * c->x[i] + b - c->y[i]; sum += r * r; }
    return sum / (double)c->n;
}

typedef struct { double w, b, grad_w, grad_b; } Line64;

static void step64(const Case *c, const int64_t *pick, long start, long end, double lr, Line64 *p) {
    double m = (double)(end - start), sum_rx = 0, sum_r = 0;
    for (long k = start; k < end; k++) {
        long i = pick ? (long)pick[k] : k;
        double r = p->w * c->x[i] + p->b - c->y[i];  /* x[i], y[i] are widened to double */
        sum_rx += r * c->x[i]; sum_r += r;
    }
    p->grad_w = 2.0 / m * sum_rx;
    p->grad_b = 2.0 / m * sum_r;
    p->w = p->w - lr * p->grad_w;
    p->b = p->b - lr * p->grad_b;
}

static void train64(const Case *c, double *rows) {
    Line64 p = {c->w0, c->b0, 0.0, 0.0};
    double lr = c->lr;
    rows[0] = p.w; rows[1] = p.b; rows[2] = loss64(c, p.w, p.b);
    for (long e = 0; e < c->epochs; e++) {
        const int64_t *pick = c->shuffled ? c->order + e * c->n : NULL;
        double *row = rows + 3 * (e + 1);
        for (long start = 0; start < c->n; start += c->bs) {
            long end = start + c->bs < c->n ? start + c->bs : c->n;
            step64(c, pick, start, end, lr, &p);
        }
        row[0] = p.w; row[1] = p.b;
#ifdef RECORD_LOSS_AFTER_UPDATE /* deliberately wrong, as in train32 */
        row[2] = loss64(c, p.w - lr * p.grad_w, p.b - lr * p.grad_b);
#else
        row[2] = loss64(c, p.w, p.b);
#endif
    }
}

static void write_list(FILE *f, const double *rows, long count, int col, const char *fmt, const char *name) {
    long k;
    for (k = 0; k < count; k++) {
        if (!isfinite(rows[3 * k + col])) die("case %s: non-finite value in results%s", name, "");
        fprintf(f, k ? ", " : "[");
        fprintf(f, fmt, rows[3 * k + col]);
    }
    fprintf(f, "]");
}

int main(int argc, char **argv) {
    const char *dir, *prec = "float32", *cases, *p, *fmt;
    char path[4096], name[256], file[256], *manifest;
    long len, ncase = 0;  int f64;
    const uint32_t probe = 1;
    FILE *out;
    if (argc < 3 || argc > 4) { fprintf(stderr, "usage: %s GOLDEN_DIR OUTPUT.json [float32|float64]\n", argv[0]); return 2; }
    dir = argv[1];
    if (argc == 4) prec = argv[3];
    if (strcmp(prec, "float32") != 0 && strcmp(prec, "float64") != 0) die("precision must be float32 or float64, not %s%s", prec, "");
    f64 = prec[5] == '6';
    fmt = f64 ? "%.17g" : "%.9g";
    if (*(const unsigned char *)&probe != 1) die("big-endian hosts are not supported%s%s", "", "");
    if (FLT_EVAL_METHOD != 0) fprintf(stderr, "linfit_port: warning: FLT_EVAL_METHOD is %d, not 0; float32 results may be wrong\n", (int)FLT_EVAL_METHOD);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    manifest = read_all(path, &len);
    if (!(cases = find_key(manifest, "cases")) || *cases != '[') die("manifest: no \"cases\" array%s%s", "", "");
    if (!(out = fopen(argv[2], "w"))) die("cannot write %s%s", argv[2], "");
    fprintf(out, "{\"format\": \"linfit-conformance-results/v1\", \"precision\": \"%s\",\n \"cases\": {", prec);
    for (p = skip_ws(cases + 1); *p == '{'; ncase++) {
        Case c;
        const char *files = need(p, "files"), *bsv = need(p, "batch_size"), *sh = need(p, "shuffled");
        long shape[2];
        double *rows;
        str(p, "name", name, sizeof name);
        c.n = (long)num(p, "n"); c.epochs = (long)num(p, "epochs");
        c.lr = num(p, "learning_rate"); c.w0 = num(p, "w0"); c.b0 = num(p, "b0");
        if (c.n < 1 || c.epochs < 0) die("case %s: bad n or epochs%s", name, "");
        c.bs = strncmp(bsv, "null", 4) == 0 ? c.n : (long)num(p, "batch_size");
        if (c.bs < 1) die("case %s: bad batch_size%s", name, "");
        if (strncmp(sh, "true", 4) == 0) c.shuffled = 1;
        else if (strncmp(sh, "false", 5) == 0) c.shuffled = 0;
        else die("case %s: \"shuffled\" is not a boolean%s", name, "");
        shape[0] = c.n;
        str(files, "x", file, sizeof file); snprintf(path, sizeof path, "%s/%s", dir, file);
        c.x = read_npy(path, "<f4", 1, shape);
        str(files, "y", file, sizeof file); snprintf(path, sizeof path, "%s/%s", dir, file);
        c.y = read_npy(path, "<f4", 1, shape);
        c.order = NULL;
        if (c.shuffled) {
            long e, k;
            char *seen = malloc((size_t)c.n);
            shape[0] = c.epochs; shape[1] = c.n;
            str(files, "order", file, sizeof file); snprintf(path, sizeof path, "%s/%s", dir, file);
            c.order = read_npy(path, "<i8", 2, shape);
            for (e = 0; e < c.epochs; e++) { /* each row must be a permutation of 0..n-1 */
                memset(seen, 0, (size_t)c.n);
                for (k = 0; k < c.n; k++) {
                    int64_t v = c.order[e * c.n + k];
                    if (v < 0 || v >= c.n || seen[v]) die("case %s: order row is not a permutation%s", name, "");
                    seen[v] = 1;
                }
            }
            free(seen);
        }
        rows = malloc(sizeof(double) * 3 * (size_t)(c.epochs + 1));
        if (f64) train64(&c, rows); else train32(&c, rows);
        fprintf(out, "%s\n  \"%s\": {\"w\": ", ncase ? "," : "", name);
        write_list(out, rows, c.epochs + 1, 0, fmt, name);
        fprintf(out, ",\n    \"b\": ");
        write_list(out, rows, c.epochs + 1, 1, fmt, name);
        fprintf(out, ",\n    \"loss\": ");
        write_list(out, rows, c.epochs + 1, 2, fmt, name);
        fprintf(out, "}");
        free(rows); free((void *)c.x); free((void *)c.y); free((void *)c.order);
        p = skip_ws(skip_value(p));
        if (*p == ',') p = skip_ws(p + 1);
    }
    if (*p != ']') die("manifest: malformed \"cases\" array%s%s", "", "");
    fprintf(out, "\n}}\n");
    if (fclose(out) != 0) die("error writing %s%s", argv[2], "");
    free(manifest);
    fprintf(stderr, "linfit_port: wrote %ld cases (%s) to %s\n", ncase, prec, argv[2]);
    return 0;
}

#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"

/* The identity directives (the directive table is in mod_pharmadesk.c, the
 * defaults in src/mod_pd.h): the claims that carry a role and a pharmacy,
 * the rules that map claim values to roles, and what a bearer token must
 * say (issuer, audience, type, claims) before its identity is taken. */

/* A claim name as mod_auth_openidc turns it into OIDC_CLAIM_<name>. */
static int claim_name_ok(const char *name, apr_size_t len)
{
    return pd_config_word_ok(name, len, "_-.:");
}

static const char *set_claim_name(cmd_parms *cmd, const char *arg, const char **to)
{
    if (!claim_name_ok(arg, strlen(arg))) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name, " must be a claim name", NULL);
    }
    *to = arg;
    return NULL;
}

const char *pd_set_role_claim(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_claim_name(cmd, arg, &pd_config_of(cmd)->claims.role_claim);
}

const char *pd_set_pharmacy_claim(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_claim_name(cmd, arg, &pd_config_of(cmd)->claims.pharmacy_claim);
}

const char *pd_set_role_map(cmd_parms *cmd, void *dc, const char *value, const char *role)
{
    pd_role_rule_t *rule;
    int r = pd_role_parse(role);

    if (r < 0) {
        return "PharmadeskRoleMap: the role must be admin, team_expert, tech, customer or manager";
    }
    if (!*value || strlen(value) > 255) {
        return "PharmadeskRoleMap: the claim value must be 1 to 255 bytes";
    }
    rule = apr_array_push((apr_array_header_t *)pd_config_of(cmd)->claims.rules);
    rule->value = value;
    rule->role = (pd_role_e)r;
    return NULL;
}

const char *pd_set_issuer(cmd_parms *cmd, void *dc, const char *arg)
{
    if (strncmp(arg, "https://", 8) != 0 || strlen(arg) > 255) {
        return "PharmadeskOIDCIssuer must be the provider's https:// issuer, exactly as in its tokens";
    }
    pd_config_of(cmd)->claims.issuer = arg;
    return NULL;
}

const char *pd_set_audience(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!*arg || strlen(arg) > 255 || strpbrk(arg, ", \t")) {
        return "PharmadeskOIDCAudience must be one audience value";
    }
    pd_config_of(cmd)->claims.audience = arg;
    return NULL;
}

const char *pd_set_token_type(cmd_parms *cmd, void *dc, const char *arg)
{
    if (!pd_config_word_ok(arg, strlen(arg), "+-./")) {
        return "PharmadeskOIDCAccessTokenType must be a media type such as at+jwt";
    }
    pd_config_of(cmd)->claims.token_type = arg;
    return NULL;
}

/* A claim value a rule asks for: it ends up quoted in a WWW-Authenticate
 * error_description, so printable ASCII without quote or backslash. */
static int claim_value_ok(const char *v)
{
    const char *c;
    if (!*v || strlen(v) > 255) {
        return 0;
    }
    for (c = v; *c; c++) {
        if (*c <= ' ' || *c > '~' || *c == '"' || *c == '\\') {
            return 0;
        }
    }
    return 1;
}

/* PharmadeskOIDCAccessTokenClaims name[=value] ...: one line lists them all. */
const char *pd_set_token_claims(cmd_parms *cmd, void *dc, const char *args)
{
    apr_array_header_t *rules = apr_array_make(cmd->pool, 4, sizeof(pd_claim_rule_t));
    const char *word;

    while (*(word = ap_getword_conf(cmd->pool, &args))) {
        pd_claim_rule_t *rule = apr_array_push(rules);
        const char *eq = strchr(word, '=');
        rule->name = eq ? apr_pstrmemdup(cmd->pool, word, eq - word) : word;
        rule->value = eq ? eq + 1 : NULL;
        if (!claim_name_ok(rule->name, strlen(rule->name)) || (eq && !claim_value_ok(eq + 1))) {
            return "PharmadeskOIDCAccessTokenClaims takes claim names, each alone or as "
                   "name=value, such as: client_id scope";
        }
    }
    if (!rules->nelts) {
        return "PharmadeskOIDCAccessTokenClaims takes at least one claim name";
    }
    pd_config_of(cmd)->claims.token_claims = rules;
    return NULL;
}

/* PharmadeskOIDCIDTokenClaims name ... | none: one line lists them all. */
const char *pd_set_id_claims(cmd_parms *cmd, void *dc, const char *args)
{
    static const char *const usage =
        "PharmadeskOIDCIDTokenClaims takes claim names such as: nonce at_hash, or none alone";
    apr_array_header_t *names = apr_array_make(cmd->pool, 4, sizeof(const char *));
    const char *word;
    int none = 0;

    while (*(word = ap_getword_conf(cmd->pool, &args))) {
        if (strcmp(word, "none") == 0) {
            none = 1;
        }
        else if (!claim_name_ok(word, strlen(word))) {
            return usage;
        }
        else {
            APR_ARRAY_PUSH(names, const char *) = word;
        }
    }
    /* none alone, or names alone */
    if (none ? names->nelts > 0 : names->nelts == 0) {
        return usage;
    }
    pd_config_of(cmd)->claims.id_claims = names;
    return NULL;
}

using SessionGrains.Silo.Api.Auth;
using SessionGrains.Tenants;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// The scope rule is the key's microtenant, not its role: a tenant-admin key stored with a
/// microtenant before such keys were refused at creation keeps its role on its microtenant's
/// sessions but gets none of the tenant-wide routes, like every other scoped key.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CallerScopeTests
{
    private static readonly Caller LegacyScopedAdmin = new(false, "t", ApiKeyRole.TenantAdmin, "emea", "k1");
    private static readonly Caller Admin = new(false, "t", ApiKeyRole.TenantAdmin, null, "k2");

    [Fact]
    public void A_scoped_tenant_admin_key_is_refused_tenant_wide_routes_and_keeps_the_others()
    {
        Assert.False(LegacyScopedAdmin.May("t", TenantRoles.Admins.Roles, tenantWide: true));
        Assert.True(LegacyScopedAdmin.May("t", TenantRoles.SessionAdmins.Roles, tenantWide: false));
        Assert.True(Admin.May("t", TenantRoles.Admins.Roles, tenantWide: true));
        Assert.True(Caller.Operator.May("t", TenantRoles.Admins.Roles, tenantWide: true));
    }

    [Fact]
    public void A_scoped_key_sees_only_its_own_microtenants_entries()
    {
        Assert.True(LegacyScopedAdmin.Sees("emea"));
        Assert.False(LegacyScopedAdmin.Sees("apac"));
        Assert.False(LegacyScopedAdmin.Sees(null));
        Assert.True(Admin.Sees("apac"));
        Assert.True(Admin.Sees(null));
    }
}

# The silo's image: one process, Orleans silo and HTTP API (see docs/architecture.md).
#   docker build -t sessiongrains .
# k8s/ runs it; tests/SessionGrains.Tests/Unit/KubernetesManifestTests checks this file against
# the manifests and the project (stages, user, ports, health route, entry point).

# Build: restore on the project files alone first, so the restore layer is reused while only
# sources change.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/SessionGrains.Abstractions/SessionGrains.Abstractions.csproj src/SessionGrains.Abstractions/
COPY src/SessionGrains.Grains/SessionGrains.Grains.csproj src/SessionGrains.Grains/
COPY src/SessionGrains.Silo/SessionGrains.Silo.csproj src/SessionGrains.Silo/
RUN dotnet restore src/SessionGrains.Silo/SessionGrains.Silo.csproj
COPY src/ src/
# The project publishes the profiles from here into silo-config/ beside the dll.
COPY silo-config/ silo-config/
RUN dotnet publish src/SessionGrains.Silo/SessionGrains.Silo.csproj -c Release --no-restore -o /app/publish -p:UseAppHost=false

# Run: the ASP.NET Core runtime only, as the image's unprivileged "app" user, given by number
# so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/publish ./
ENV ASPNETCORE_HTTP_PORTS=8080 \
    SessionGrains__Profile=production
USER 1654
# HTTP API, silo-to-silo, client gateway (SessionGrains__Cluster__SiloPort / __GatewayPort).
EXPOSE 8080 11111 30000
# The image has no curl: the silo's own --health-probe asks the route and exits 0 or 1.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["dotnet", "SessionGrains.Silo.dll", "--health-probe", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["dotnet", "SessionGrains.Silo.dll"]

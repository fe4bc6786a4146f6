package io.ualwatch.model;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * UAL RecordType numbers and names (AuditLogRecordType). Exports write the name, the API the number, the Graph
 * audit query a camelCase name ({@code exchangeItemAggregated}); all map to the number, case-insensitively.
 *
 * <p>Source: the AuditLogRecordType table of Microsoft's "Office 365 Management Activity API schema" page
 * ({@code MicrosoftDocs/office-365-management-api}, {@code office-365-management-activity-api-schema.md}),
 * the union of its current revision and an older one that still listed 77 Search, 81 MDATPAudit and
 * 131 OfficeScriptsRunAction. The page writes 216 as "Viva Goals"; both spellings are accepted. The full
 * enum has more than 360 values and grows: unknown numbers and names pass through untouched.
 */
public final class RecordTypes {
  private RecordTypes() {}

  public static final int EXCHANGE_ADMIN = 1;
  public static final int EXCHANGE_ITEM = 2;
  public static final int EXCHANGE_ITEM_GROUP = 3;
  public static final int AZURE_ACTIVE_DIRECTORY = 8;
  public static final int AZURE_ACTIVE_DIRECTORY_ACCOUNT_LOGON = 9;
  public static final int AZURE_ACTIVE_DIRECTORY_STS_LOGON = 15;
  public static final int EXCHANGE_ITEM_AGGREGATED = 50;

  private static final Map<String, Integer> BY_NAME = new HashMap<>();
  private static final Map<Integer, String> BY_NUMBER = new HashMap<>();

  static {
    Object[][] table = {
        {1, "ExchangeAdmin"}, {2, "ExchangeItem"}, {3, "ExchangeItemGroup"}, {4, "SharePoint"},
        {6, "SharePointFileOperation"}, {7, "OneDrive"}, {8, "AzureActiveDirectory"},
        {9, "AzureActiveDirectoryAccountLogon"}, {10, "DataCenterSecurityCmdlet"},
        {11, "ComplianceDLPSharePoint"}, {13, "ComplianceDLPExchange"}, {14, "SharePointSharingOperation"},
        {15, "AzureActiveDirectoryStsLogon"}, {16, "SkypeForBusinessPSTNUsage"},
        {17, "SkypeForBusinessUsersBlocked"}, {18, "SecurityComplianceCenterEOPCmdlet"},
        {19, "ExchangeAggregatedOperation"}, {20, "PowerBIAudit"}, {21, "CRM"}, {22, "Yammer"},
        {23, "SkypeForBusinessCmdlets"}, {24, "Discovery"}, {25, "MicrosoftTeams"}, {28, "ThreatIntelligence"},
        {29, "MailSubmission"}, {30, "MicrosoftFlow"}, {31, "AeD"}, {32, "MicrosoftStream"},
        {33, "ComplianceDLPSharePointClassification"}, {34, "ThreatFinder"}, {35, "Project"},
        {36, "SharePointListOperation"}, {37, "SharePointCommentOperation"}, {38, "DataGovernance"},
        {39, "Kaizala"}, {40, "SecurityComplianceAlerts"}, {41, "ThreatIntelligenceUrl"},
        {42, "SecurityComplianceInsights"}, {43, "MIPLabel"}, {44, "WorkplaceAnalytics"}, {45, "PowerAppsApp"},
        {46, "PowerAppsPlan"}, {47, "ThreatIntelligenceAtpContent"}, {48, "LabelContentExplorer"},
        {49, "TeamsHealthcare"}, {50, "ExchangeItemAggregated"}, {51, "HygieneEvent"},
        {52, "DataInsightsRestApiAudit"}, {53, "InformationBarrierPolicyApplication"},
        {54, "SharePointListItemOperation"}, {55, "SharePointContentTypeOperation"},
        {56, "SharePointFieldOperation"}, {57, "MicrosoftTeamsAdmin"}, {58, "HRSignal"},
        {59, "MicrosoftTeamsDevice"}, {60, "MicrosoftTeamsAnalytics"}, {61, "InformationWorkerProtection"},
        {62, "Campaign"}, {63, "DLPEndpoint"}, {64, "AirInvestigation"}, {65, "Quarantine"},
        {66, "MicrosoftForms"}, {67, "ApplicationAudit"}, {68, "ComplianceSupervisionExchange"},
        {69, "CustomerKeyServiceEncryption"}, {70, "OfficeNative"}, {71, "MipAutoLabelSharePointItem"},
        {72, "MipAutoLabelSharePointPolicyLocation"}, {73, "MicrosoftTeamsShifts"},
        {75, "MipAutoLabelExchangeItem"}, {76, "CortanaBriefing"}, {77, "Search"}, {78, "WDATPAlerts"},
        {81, "MDATPAudit"}, {82, "SensitivityLabelPolicyMatch"}, {83, "SensitivityLabelAction"},
        {84, "SensitivityLabeledFileAction"}, {85, "AttackSim"}, {86, "AirManualInvestigation"},
        {87, "SecurityComplianceRBAC"}, {88, "UserTraining"}, {89, "AirAdminActionInvestigation"},
        {90, "MSTIC"}, {91, "PhysicalBadgingSignal"}, {93, "AipDiscover"}, {94, "AipSensitivityLabelAction"},
        {95, "AipProtectionAction"}, {96, "AipFileDeleted"}, {97, "AipHeartBeat"}, {98, "MCASAlerts"},
        {99, "OnPremisesFileShareScannerDlp"}, {100, "OnPremisesSharePointScannerDlp"}, {101, "ExchangeSearch"},
        {102, "SharePointSearch"}, {103, "PrivacyInsights"}, {105, "MyAnalyticsSettings"},
        {106, "SecurityComplianceUserChange"}, {107, "ComplianceDLPExchangeClassification"},
        {109, "MipExactDataMatch"}, {113, "MS365DCustomDetection"}, {131, "OfficeScriptsRunAction"},
        {147, "CoreReportingSettings"}, {148, "ComplianceConnector"}, {154, "OMEPortal"},
        {174, "DataShareOperation"}, {181, "EduDataLakeDownloadOperation"},
        {183, "MicrosoftGraphDataConnectOperation"}, {186, "PowerPagesSite"}, {188, "PlannerPlan"},
        {189, "PlannerCopyPlan"}, {190, "PlannerTask"}, {191, "PlannerRoster"}, {192, "PlannerPlanList"},
        {193, "PlannerTaskList"}, {194, "PlannerTenantSettings"}, {195, "ProjectForTheWebProject"},
        {196, "ProjectForTheWebTask"}, {197, "ProjectForTheWebRoadmap"}, {198, "ProjectForTheWebRoadmapItem"},
        {199, "ProjectForTheWebProjectSettings"}, {200, "ProjectForTheWebRoadmapSettings"}, {216, "VivaGoals"},
        {217, "MicrosoftGraphDataConnectConsent"}, {230, "TeamsUpdates"},
        {231, "PlannerRosterSensitivityLabel"},
    };
    for (Object[] row : table) {
      BY_NUMBER.put((Integer) row[0], (String) row[1]);
      BY_NAME.put(((String) row[1]).toLowerCase(Locale.ROOT), (Integer) row[0]);
    }
    BY_NAME.put("viva goals", 216);
  }

  /** Number for a known name (any case, surrounding spaces ignored), else null. */
  public static Integer byName(String name) {
    return name == null ? null : BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
  }

  /** Name for a known number, else null. */
  public static String name(Integer number) {
    return number == null ? null : BY_NUMBER.get(number);
  }

  /** How many values the table knows (for tests and docs). */
  public static int size() {
    return BY_NUMBER.size();
  }
}

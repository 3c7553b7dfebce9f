import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Card, Col, Descriptions, Empty, Row, Space, Tag, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { PageLayout } from '../components/PageLayout';
import { SCREENS } from '../app/screens';
import { holds, useMe } from '../app/session';
import { scopeText } from '../app/scope';
import { usePreferences } from '../app/preferences';
import { orgKindLabel, roleLabel } from '../i18n/labels';

function greeting(hour: number) {
  if (hour < 11) return 'home.morning';
  if (hour < 13) return 'home.noon';
  if (hour < 18) return 'home.afternoon';
  return 'home.evening';
}

/** The landing page: who you are, where you act, and what you can open from here. */
export default function Home() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { language } = usePreferences();
  const screens = SCREENS.filter((s) => s.path !== '/' && s.menu !== false && holds(me, s.permission));
  return (
    <PageLayout title={t(greeting(dayjs().hour()), { name: me.displayName })} description={t('home.intro')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t('home.whoAmI')} data-testid="home-identity">
            <Descriptions column={1} size="middle" styles={{ label: { width: language === 'en' ? '11em' : '6em', whiteSpace: 'nowrap' } }}>
              <Descriptions.Item label={t('home.name')}>{me.displayName}</Descriptions.Item>
              <Descriptions.Item label={t('home.username')}>{me.username}</Descriptions.Item>
              <Descriptions.Item label={t('home.org')}>
                <Space wrap>
                  {me.orgName}
                  <Tag>{orgKindLabel(me.orgKind)}</Tag>
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('home.scope')}>{scopeText(me, t) || t('scope.all')}</Descriptions.Item>
              <Descriptions.Item label={t('home.roles')}>
                <Space wrap>
                  {me.roles.map((r) => (
                    <Tag color="blue" key={r}>
                      {roleLabel(r)}
                    </Tag>
                  ))}
                </Space>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t('home.shortcuts')}>
            {screens.length === 0 ? (
              <Empty description={t('home.noScreens')} />
            ) : (
              <Row gutter={[12, 12]}>
                {screens.map((s) => (
                  <Col xs={24} md={12} key={s.path}>
                    <Card hoverable size="small" onClick={() => navigate(s.path)} className="shortcut" data-testid={`shortcut-${s.path}`}>
                      <Space size="middle" className="shortcut-body">
                        <span className="shortcut-icon">{s.icon}</span>
                        <span>
                          <Typography.Text strong>{t(s.title)}</Typography.Text>
                          <br />
                          <Typography.Text type="secondary">{t(`${s.title}Hint`)}</Typography.Text>
                        </span>
                        <RightOutlined className="shortcut-arrow" />
                      </Space>
                    </Card>
                  </Col>
                ))}
              </Row>
            )}
          </Card>
        </Col>
      </Row>
    </PageLayout>
  );
}
